import {fork, type ChildProcess} from "node:child_process";
import {existsSync} from "node:fs";
import {join, resolve} from "node:path";
import {abortError, isAbortError} from "../../../util/abort";
import {scoredPositions, type TokenWindow} from "../../corpus/windows";
import type {WindowComparison} from "../../stats/windowComparison";
import type {StoredReferenceWindow} from "../referenceWindowCodec";
import type {LoadMeasurement} from "../scoringModel";
import type {WindowScorer} from "../windowScorer";
import type {BindResult, LlamaLibrary, LoadedMessage, ParentMessage, WorkerMessage} from "./logitsProtocol";

const START_TIMEOUT_MS = 60_000;

/** The scoring child cannot run here (no usable libllama); the run scores in-process instead. */
export class LogitsUnavailableError extends Error {
    override readonly name = "LogitsUnavailableError";
}

export interface LogitsScorerOptions {
    readonly libraries: readonly LlamaLibrary[];
    readonly modelPath: string;
    readonly threads: number;
    readonly contextSize: number;
    /** 0 on the CPU, −1 for every layer on the GPU. */
    readonly gpuLayers: number;
    /** VRAM in use now, to measure what the load added; undefined on the CPU. */
    readonly vramUsed?: () => Promise<number>;
    readonly signal?: AbortSignal;
}

type Request = Exclude<ParentMessage, {type: "bind"}>;
type Answer = Exclude<WorkerMessage, BindResult | {type: "log"}>;

/** How to start the worker: the built file next to the bundle, else the TypeScript source through tsx. */
function workerEntry(): {modulePath: string; execArgv: string[]; cwd: string | undefined} {
    const built = join(__dirname, "logitsWorker.js");
    if (existsSync(built))
        return {modulePath: built, execArgv: [], cwd: undefined};
    const source = join(__dirname, "logitsWorker.ts");
    if (existsSync(source))
        return {modulePath: source, execArgv: ["--import", "tsx"], cwd: resolve(__dirname, "..", "..", "..", "..")};
    throw new LogitsUnavailableError(`the scoring worker is missing (looked for ${built})`);
}

/**
 * A model loaded in the scoring child process (logitsWorker.ts), seen from the A/B run: raw
 * logits through libllama, per-token arithmetic next to them, small results back. One request
 * at a time; aborting one kills the process (llama_decode has no cancellation hook).
 */
export class LogitsScorer implements WindowScorer {
    readonly method = "raw logits from libllama in a child process";
    private readonly exited: Promise<void>;
    private exitDescription = "it exited";
    private readonly warnings: string[] = [];
    private listener: ((message: WorkerMessage) => void) | undefined;
    private nextId = 1;

    private constructor(private readonly child: ChildProcess, public measurement: LoadMeasurement) {
        this.exited = new Promise((done) => child.once("exit", (code, signal) => {
            this.exitDescription = signal != null ? `it was stopped by ${signal}` : `it exited with code ${code}`;
            done();
        }));
        // A send to a process that just died reports here; its exit settles the request.
        child.on("error", (err) => this.exitDescription = `it could not be reached (${err.message})`);
        child.on("message", (message: WorkerMessage) => {
            if (message.type === "log")
                this.warnings.splice(0, Math.max(0, this.warnings.length - 20), message.line);
            else
                this.listener?.(message);
        });
    }

    /**
     * Starts the child, binds libllama and loads the model. Throws LogitsUnavailableError when no
     * library can be bound (the caller falls back), an Error saying why when the load fails.
     */
    static async start(options: LogitsScorerOptions): Promise<LogitsScorer> {
        options.signal?.throwIfAborted();
        const entry = workerEntry();
        const child = fork(entry.modulePath, [], {
            execArgv: entry.execArgv,
            ...(entry.cwd != null ? {cwd: entry.cwd} : {}),
            // The extension host's executable is Electron; this makes it behave as plain Node.
            env: {...process.env, ELECTRON_RUN_AS_NODE: "1"},
            stdio: ["ignore", "ignore", "pipe", "ipc"],
            serialization: "advanced"
        });
        let stderr = "";
        child.stderr?.on("data", (chunk: Buffer) => stderr = (stderr + chunk.toString()).slice(-4000));
        const scorer = new LogitsScorer(child, {rssDeltaBytes: 0, vramDeltaBytes: null, weightsBytes: 0, loadSeconds: 0});
        try {
            await scorer.bind(options.libraries, options.gpuLayers !== 0, options.signal, () => stderr);
            const started = performance.now();
            const vramBefore = await options.vramUsed?.();
            const loaded = await scorer.request<LoadedMessage>({
                type: "load", id: 0, modelPath: options.modelPath, threads: options.threads, contextSize: options.contextSize, gpuLayers: options.gpuLayers
            }, options.signal).catch((err: unknown) => {
                // The in-process load then says why in the engine's own words, or succeeds.
                throw options.signal?.aborted || isAbortError(err) ? err : new LogitsUnavailableError(`the model did not load there (${(err as Error).message})`);
            });
            scorer.measurement = {
                rssDeltaBytes: loaded.rssDeltaBytes,
                vramDeltaBytes: vramBefore == null ? null : (await options.vramUsed!()) - vramBefore,
                weightsBytes: loaded.weightsBytes,
                loadSeconds: (performance.now() - started) / 1000
            };
            return scorer;
        } catch (err) {
            await scorer.dispose();
            throw err;
        }
    }

    async reference(window: TokenWindow, path: string, signal?: AbortSignal): Promise<StoredReferenceWindow> {
        const {first, last} = scoredPositions(window.tokens.length);
        const answer = await this.request<Extract<Answer, {type: "referenced"}>>(
            {type: "reference", id: 0, windowIndex: window.index, tokens: window.tokens, first, last, outPath: path}, signal);
        return {window: answer.window, evaluationSeconds: answer.evaluationSeconds};
    }

    async compare(window: TokenWindow, referencePath: string, signal?: AbortSignal): Promise<WindowComparison> {
        const {first, last} = scoredPositions(window.tokens.length);
        const answer = await this.request<Extract<Answer, {type: "compared"}>>(
            {type: "compare", id: 0, tokens: window.tokens, first, last, referencePath}, signal);
        return {...answer.comparison, windowIndex: window.index};
    }

    /** Stops the process (SIGKILL: it holds nothing that needs saving) and waits until it is gone. */
    async dispose(): Promise<void> {
        if (this.child.exitCode == null && this.child.signalCode == null)
            this.child.kill("SIGKILL");
        await this.exited;
    }

    private bind(libraries: readonly LlamaLibrary[], gpu: boolean, signal: AbortSignal | undefined, stderr: () => string): Promise<void> {
        return this.waitFor<void>((message, done, fail) => {
            if (message.type === "ready")
                done();
            else if (message.type === "unavailable")
                fail(new LogitsUnavailableError(message.reason));
        }, () => this.child.send({type: "bind", libraries, gpu} satisfies ParentMessage), signal, START_TIMEOUT_MS,
        () => new LogitsUnavailableError(`the scoring worker ${this.exitDescription} during start-up${lastLine(stderr())}`));
    }

    private request<T extends Answer>(message: Request, signal: AbortSignal | undefined): Promise<T> {
        const id = this.nextId++;
        return this.waitFor<T>((answer, done, fail) => {
            if (!("id" in answer) || answer.id !== id)
                return;
            if (answer.type === "failed")
                fail(new Error(answer.message));
            else
                done(answer as T);
        }, () => this.child.send({...message, id}), signal, undefined,
        () => new Error(`llama.cpp's scoring process stopped unexpectedly (${this.exitDescription})${this.warnings.length > 0 ? `: ${this.warnings[this.warnings.length - 1]}` : ""}`));
    }

    /** Sends, then settles on the first matching answer, an abort (which kills the child), an exit or a timeout. */
    private waitFor<T>(
        onMessage: (message: WorkerMessage, done: (value: T) => void, fail: (err: Error) => void) => void,
        send: () => void, signal: AbortSignal | undefined, timeoutMs: number | undefined, exitError: () => Error
    ): Promise<T> {
        signal?.throwIfAborted();
        return new Promise<T>((resolveAnswer, rejectAnswer) => {
            let settled = false;
            const timer = timeoutMs == null ? undefined : setTimeout(() => fail(new LogitsUnavailableError(`the scoring worker did not start within ${timeoutMs / 1000} s`)), timeoutMs);
            const onAbort = () => {
                fail(abortError());
                void this.dispose();
            };
            const finish = () => {
                settled = true;
                clearTimeout(timer);
                signal?.removeEventListener("abort", onAbort);
                this.listener = undefined;
            };
            const done = (value: T) => {
                if (!settled) {
                    finish();
                    resolveAnswer(value);
                }
            };
            const fail = (err: Error) => {
                if (!settled) {
                    finish();
                    rejectAnswer(err);
                }
            };
            signal?.addEventListener("abort", onAbort, {once: true});
            this.listener = (message) => onMessage(message, done, fail);
            void this.exited.then(() => fail(signal?.aborted ? abortError() : exitError()));
            send();
        });
    }
}

function lastLine(text: string): string {
    const lines = text.trim().split("\n").filter((l) => l.trim() !== "");
    return lines.length > 0 ? `: ${lines[lines.length - 1]}` : "";
}
