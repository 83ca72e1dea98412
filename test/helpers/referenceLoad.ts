import {fork, type ChildProcess} from "node:child_process";
import {join} from "node:path";
import {REPO_ROOT} from "./paths";

export type ReferenceStage = "load" | "context" | "decode" | "template";

/** What a plain node-llama-cpp load did with a file. */
export interface ReferenceResult {
    readonly path: string;
    /** Loaded, decoded one token and resolved its chat wrapper. */
    readonly ok: boolean;
    /** The stage it failed, crashed or hung in (when not ok). */
    readonly stage?: ReferenceStage;
    readonly outcome: "loaded" | "refused" | "crashed" | "hung";
    readonly error?: string;
}

const DEFAULT_STAGE_TIMEOUTS_MS: Record<ReferenceStage, number> = {load: 10_000, context: 10_000, decode: 10_000, template: 5_000};
/**
 * The reference's JS heap, as in the hostile-input report: a load that needs more than this to
 * read a header would take the editor's memory with it.
 */
const REFERENCE_HEAP_MB = 256;

interface StageMessage { type: "stage"; path: string; stage: ReferenceStage }
interface DoneMessage { type: "done"; path: string; ok: boolean; stage?: ReferenceStage; error?: string }
type ChildMessage = {type: "ready"} | StageMessage | DoneMessage;

/**
 * Loads each file with plain node-llama-cpp in child processes, one after another, so a crash
 * or a hang costs only that file: the child is replaced and the next file goes on. A stage
 * that runs past its time counts as a hang (the tiny models take well under a second per stage).
 */
export async function referenceLoads(
    paths: readonly string[], concurrency = 1, stageTimeoutMs: Record<ReferenceStage, number> = DEFAULT_STAGE_TIMEOUTS_MS
): Promise<Map<string, ReferenceResult>> {
    const results = new Map<string, ReferenceResult>();
    const queue = [...paths];
    await Promise.all(Array.from({length: concurrency}, () => loadQueue(queue, results, stageTimeoutMs)));
    return results;
}

/** One line of children taking files off `queue` until it is empty. */
async function loadQueue(queue: string[], results: Map<string, ReferenceResult>, stageTimeoutMs: Record<ReferenceStage, number>): Promise<void> {
    // A spare child starts while the current one works, so replacing a crashed one costs no wait.
    let spare = RunningChild.start();
    let child: RunningChild | undefined;
    try {
        for (let path = queue.shift(); path != null; path = queue.shift()) {
            if (child == null) {
                child = await spare;
                spare = RunningChild.start();
            }
            const result = await child.load(path, stageTimeoutMs);
            results.set(path, result);
            if (result.outcome === "crashed" || result.outcome === "hung") {
                child.kill();
                child = undefined;
            }
        }
    } finally {
        child?.kill();
        (await spare.catch(() => undefined))?.kill();
    }
}

class RunningChild {
    private listener: ((message: ChildMessage) => void) | undefined;
    private exitListener: ((description: string) => void) | undefined;

    /** The end of what the child wrote to stderr (llama.cpp's abort messages land there). */
    private stderr = "";

    private constructor(private readonly child: ChildProcess) {
        child.stderr?.on("data", (chunk: Buffer) => this.stderr = (this.stderr + chunk.toString()).slice(-2000));
        child.on("message", (message: ChildMessage) => this.listener?.(message));
        child.on("exit", (code, signal) => this.exitListener?.(signal ?? `exit code ${code}`));
    }

    static start(): Promise<RunningChild> {
        const child = fork(join(REPO_ROOT, "test", "helpers", "referenceLoadChild.ts"), [], {
            execArgv: ["--require", "tsx/cjs", `--max-old-space-size=${REFERENCE_HEAP_MB}`], cwd: REPO_ROOT, stdio: ["ignore", "ignore", "pipe", "ipc"]
        });
        const running = new RunningChild(child);
        return new Promise((resolve, reject) => {
            running.listener = (message) => message.type === "ready" ? resolve(running) : undefined;
            running.exitListener = (how) => reject(new Error(`the reference loader exited during start-up (${how})`));
        });
    }

    load(path: string, stageTimeoutMs: Record<ReferenceStage, number>): Promise<ReferenceResult> {
        return new Promise((resolve) => {
            let stage: ReferenceStage = "load";
            let timer: NodeJS.Timeout | undefined;
            const finish = (result: ReferenceResult) => {
                clearTimeout(timer);
                this.listener = undefined;
                this.exitListener = undefined;
                resolve(result);
            };
            const arm = () => {
                clearTimeout(timer);
                timer = setTimeout(() => finish({path, ok: false, stage, outcome: "hung"}), stageTimeoutMs[stage]);
            };
            this.listener = (message) => {
                if (message.type === "stage") {
                    stage = message.stage;
                    arm();
                } else if (message.type === "done") {
                    finish(message.ok ? {path, ok: true, outcome: "loaded"}
                        : {path, ok: false, stage: message.stage ?? stage, outcome: "refused", error: message.error ?? ""});
                }
            };
            this.exitListener = (how) => finish({path, ok: false, stage, outcome: "crashed", error: `${how}: ${lastLine(this.stderr)}`});
            arm();
            this.child.send({path});
        });
    }

    kill(): void {
        this.child.kill("SIGKILL");
    }
}

function lastLine(text: string): string {
    const lines = text.trim().split("\n").filter((l) => l.trim() !== "");
    return lines[lines.length - 1] ?? "";
}
