import {fork, type ChildProcess} from "node:child_process";
import {join} from "node:path";
import {childCpuTimeMs} from "../../src/engine/guard/childCpuTime";
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
 * Where the child's processor time can be read (Linux), a stage's limit counts that, as the guard's
 * probe does: on a busy machine a sound stage takes many times longer by the clock (a template took
 * over 5 s at load average 7), while a hung one keeps burning processor time. The clock still ends
 * a stage at this many times its limit (a child stuck without running).
 */
const WALL_FACTOR_WITH_CPU_TIME = 6;
const CPU_POLL_MS = 200;
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
 * that runs past its time counts as a hang (the tiny models take well under a second of processor
 * time per stage).
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
            let stageCpuStart: number | undefined;
            const cpuLimited = process.platform === "linux" && this.child.pid != null;
            const hung = () => finish({path, ok: false, stage, outcome: "hung"});
            const poll = cpuLimited ? setInterval(() => void childCpuTimeMs(this.child.pid).then((now) => {
                if (now == null)
                    return;
                stageCpuStart ??= now;
                if (now - stageCpuStart > stageTimeoutMs[stage])
                    hung();
            }), CPU_POLL_MS) : undefined;
            let finished = false;
            const finish = (result: ReferenceResult) => {
                // A processor-time reading still on its way may land after the end; it must not
                // clear the listeners of this child's next load.
                if (finished)
                    return;
                finished = true;
                clearTimeout(timer);
                clearInterval(poll);
                this.listener = undefined;
                this.exitListener = undefined;
                resolve(result);
            };
            const arm = () => {
                clearTimeout(timer);
                stageCpuStart = undefined;
                timer = setTimeout(hung, stageTimeoutMs[stage] * (cpuLimited ? WALL_FACTOR_WITH_CPU_TIME : 1));
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
