import {fork, type ChildProcess} from "node:child_process";
import {existsSync} from "node:fs";
import {join, resolve} from "node:path";
import {abortError} from "../util/abort";
import {QuantizeError, QuantizeUnavailableError} from "./quantizeErrors";
import type {QuantizeJobMessage, WorkerMessage} from "./quantizeProtocol";

const START_TIMEOUT_MS = 60_000;

export interface LogLine {
    readonly level: number;
    readonly line: string;
}

export type QuantizeJob = Omit<QuantizeJobMessage, "type" | "id">;

/** How to start the worker: the built file next to the bundle, else the TypeScript source through tsx. */
function workerEntry(): {modulePath: string; execArgv: string[]; cwd: string | undefined} {
    const built = join(__dirname, "quantizeWorker.js");
    if (existsSync(built))
        return {modulePath: built, execArgv: [], cwd: undefined};
    const source = join(__dirname, "quantizeWorker.ts");
    if (existsSync(source))
        return {modulePath: source, execArgv: ["--import", "tsx"], cwd: resolve(__dirname, "..", "..")};
    throw new QuantizeUnavailableError(`the quantization worker is missing (looked for ${built})`);
}

/**
 * The quantization child process, seen from its parent. One job runs at a time; `kill()` is the
 * only way to stop one (llama.cpp has no cancellation hook), and the caller removes whatever the
 * killed job was writing.
 */
export class QuantizeWorkerProcess {
    private readonly exited: Promise<void>;
    private exitDescription: string | undefined;
    private nextId = 1;
    private listener: ((message: WorkerMessage) => void) | undefined;

    private constructor(private readonly child: ChildProcess, readonly llamaVersion: string, readonly libraryPath: string) {
        this.exited = new Promise((done) => child.once("exit", (code, signal) => {
            this.exitDescription = signal != null ? `it was stopped by ${signal}` : `it exited with code ${code}`;
            done();
        }));
        child.on("message", (message: WorkerMessage) => this.listener?.(message));
    }

    get pid(): number {
        return this.child.pid ?? 0;
    }

    /** Starts the child and waits until it has bound libllama (or said why it cannot). */
    static async start(signal?: AbortSignal): Promise<QuantizeWorkerProcess> {
        signal?.throwIfAborted();
        const entry = workerEntry();
        const child = fork(entry.modulePath, [], {
            execArgv: entry.execArgv,
            ...(entry.cwd != null ? {cwd: entry.cwd} : {}),
            // The extension host's executable is Electron; this makes it behave as plain Node.
            env: {...process.env, ELECTRON_RUN_AS_NODE: "1"},
            stdio: ["ignore", "ignore", "pipe", "ipc"],
            serialization: "json"
        });
        let stderr = "";
        child.stderr?.on("data", (chunk: Buffer) => stderr = (stderr + chunk.toString()).slice(-4000));
        try {
            const ready = await waitForReady(child, signal);
            return new QuantizeWorkerProcess(child, ready.llamaVersion, ready.libraryPath);
        } catch (err) {
            child.kill("SIGKILL");
            if (err instanceof QuantizeError || signal?.aborted)
                throw err;
            throw new QuantizeUnavailableError(`${(err as Error).message}${stderr.trim() !== "" ? `: ${lastLine(stderr)}` : ""}`);
        }
    }

    /**
     * Runs one job; `onLine` sees each log line as llama.cpp writes it. Resolves with the status
     * `llama_model_quantize` returned. Aborting kills the process and rejects with an AbortError.
     */
    async run(job: QuantizeJob, onLine: (line: LogLine) => void, signal?: AbortSignal): Promise<number> {
        signal?.throwIfAborted();
        const id = this.nextId++;
        const lines: LogLine[] = [];
        const onAbort = () => this.kill();
        signal?.addEventListener("abort", onAbort, {once: true});
        try {
            return await new Promise<number>((done, fail) => {
                this.listener = (message) => {
                    if (message.type === "log") {
                        lines.push(message);
                        onLine(message);
                    } else if (message.type === "done" && message.id === id) {
                        done(message.status);
                    }
                };
                void this.exited.then(() => fail(signal?.aborted ? signal.reason ?? abortError() : this.crashError(lines)));
                this.child.send({type: "run", id, ...job} satisfies QuantizeJobMessage);
            });
        } finally {
            this.listener = undefined;
            signal?.removeEventListener("abort", onAbort);
        }
    }

    /** Stops the process now (SIGKILL) and waits until it is gone. */
    async dispose(): Promise<void> {
        this.kill();
        await this.exited;
    }

    kill(): void {
        if (this.child.exitCode == null && this.child.signalCode == null)
            this.child.kill("SIGKILL");
    }

    private crashError(lines: readonly LogLine[]): QuantizeError {
        const errors = lines.filter((l) => l.level >= 4 && l.line.trim() !== "").map((l) => l.line.trim());
        return new QuantizeError(
            `llama.cpp's quantizer stopped unexpectedly (${this.exitDescription ?? "it exited"})` +
            (errors.length > 0 ? `: ${errors[errors.length - 1]}` : "; see the log for details"));
    }
}

function waitForReady(child: ChildProcess, signal?: AbortSignal): Promise<{llamaVersion: string; libraryPath: string}> {
    return new Promise((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`the quantization worker did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
        const onAbort = () => fail(signal?.reason ?? abortError());
        signal?.addEventListener("abort", onAbort, {once: true});
        const finish = () => {
            clearTimeout(timer);
            signal?.removeEventListener("abort", onAbort);
        };
        child.on("message", (message: WorkerMessage) => {
            if (message.type === "ready") {
                finish();
                done(message);
            } else if (message.type === "unavailable") {
                finish();
                fail(new QuantizeUnavailableError(message.reason));
            }
        });
        child.once("error", (err) => {
            finish();
            fail(new Error(`the quantization worker could not start (${err.message})`));
        });
        child.once("exit", (code, sig) => {
            finish();
            fail(new Error(`the quantization worker exited during start-up (${sig ?? `code ${code}`})`));
        });
    });
}

function lastLine(text: string): string {
    const lines = text.trim().split("\n");
    return lines[lines.length - 1]!;
}
