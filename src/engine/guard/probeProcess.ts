import {fork, type ChildProcess} from "node:child_process";
import {existsSync} from "node:fs";
import {readFile} from "node:fs/promises";
import {join, resolve} from "node:path";
import {abortError} from "../../util/abort";
import {childCpuTimeMs} from "./childCpuTime";
import {formatBytes} from "../../util/format";
import type {ProbeBackend, ProbeMessage, ProbeRequest, ProbeStage} from "./probeProtocol";
import {crashReason, failureReason, stageWords} from "./probeReasons";

const GB = 2 ** 30;
const MEMORY_POLL_MS = 200;
/**
 * Where the child's processor time can be read, its stage limits count processor time, and the
 * clock stops a stage only at this many times the limit: for a child that hangs without using the
 * processor (a deadlock, a file read that never returns).
 */
const WALL_FACTOR_WITH_CPU_TIME = 4;
/**
 * How long resolving the chat wrapper (which renders the template several times) may take before
 * the template counts as too slow for the editor: real templates take well under a second.
 */
export const TEMPLATE_TIME_LIMIT_MS = 10_000;

/** What a probe may use before it is stopped. */
export interface ProbeLimits {
    /** Resident memory the child may add once it starts loading the file (its backend's own is not counted). */
    readonly memoryBytes: number;
    /** The child's JS heap (node's --max-old-space-size), in MB. */
    readonly heapMb: number;
    /** Per stage: processor time where it can be read (Linux), else wall-clock time. */
    readonly stageTimeoutMs: Readonly<Record<ProbeStage, number>>;
}

/** Limits that grow with the file: its weights are mapped, repacked and read once. */
export function probeLimits(fileSize: number): ProbeLimits {
    const perGb = Math.ceil(fileSize / GB) * 30_000;
    return {
        memoryBytes: 2 * GB + 2.5 * fileSize,
        heapMb: 1536,
        stageTimeoutMs: {start: 60_000, load: 30_000 + perGb, context: 30_000, decode: 30_000 + perGb, tokenize: 10_000, template: TEMPLATE_TIME_LIMIT_MS}
    };
}

/**
 * `timedOut`: the probe was stopped for time, which says as much about how busy the machine was
 * as about the file, so such a verdict is not remembered.
 */
export type ProbeOutcome =
    | {readonly ok: true; readonly chatWrapper: string | null; readonly templateProblem?: string; readonly timedOut?: true}
    | {readonly ok: false; readonly stage: ProbeStage; readonly reason: string; readonly timedOut?: true};

/** The probe itself could not run (its worker is missing or its backend does not start): not the file's fault. */
export class ProbeUnavailableError extends Error {
    override readonly name = "ProbeUnavailableError";
}

/**
 * How to start the worker: the built file next to the bundle, else the TypeScript source through
 * tsx's CommonJS hook (half the start-up time of its ESM loader; the worker is CommonJS).
 */
function workerEntry(): {modulePath: string; execArgv: string[]; cwd: string | undefined} {
    const built = join(__dirname, "probeWorker.js");
    if (existsSync(built))
        return {modulePath: built, execArgv: [], cwd: undefined};
    const source = join(__dirname, "probeWorker.ts");
    if (existsSync(source))
        return {modulePath: source, execArgv: ["--require", "tsx/cjs"], cwd: resolve(__dirname, "..", "..", "..")};
    throw new ProbeUnavailableError(`the model probe worker is missing (looked for ${built})`);
}

/**
 * One probe child process, started as soon as a file needs probing so its backend comes up
 * while the parent still reads the header. It runs one request under `ProbeLimits` and is
 * killed (SIGKILL) on a hang, on too much memory, on cancel, and when disposed.
 */
export class ProbeProcess {
    private stage: ProbeStage = "start";
    private stderr = "";
    private readonly logs: string[] = [];
    private listener: ((message: ProbeMessage) => void) | undefined;
    private exitListener: ((how: string) => void) | undefined;
    private exitDescription: string | undefined;
    private peakRss = 0;
    private lastRss = 0;
    /** The child's processor time at the last poll (Linux), in ms. */
    private lastCpuMs: number | undefined;
    /** Resident memory when loading began: the backend's own, not the file's. */
    private baselineRss: number | undefined;

    private constructor(private readonly child: ChildProcess, private limits: ProbeLimits) {
        child.stderr?.on("data", (chunk: Buffer) => this.stderr = (this.stderr + chunk.toString()).slice(-8000));
        child.on("message", (message: ProbeMessage) => this.onMessage(message));
        child.on("error", (err) => this.onExit(`it could not start (${err.message})`));
        // "close", not "exit": it comes after the last IPC message has been delivered.
        child.on("close", (code, signal) => this.onExit(signal ?? `exit code ${code}`));
    }

    static start(backend: ProbeBackend, limits: ProbeLimits): ProbeProcess {
        const entry = workerEntry();
        const child = fork(entry.modulePath, [backend.gpu, backend.engineBuild], {
            execArgv: [...entry.execArgv, `--max-old-space-size=${limits.heapMb}`],
            ...(entry.cwd != null ? {cwd: entry.cwd} : {}),
            // The extension host's executable is Electron; this makes it behave as plain Node.
            env: {...process.env, ELECTRON_RUN_AS_NODE: "1"},
            stdio: ["ignore", "ignore", "pipe", "ipc"],
            serialization: "json"
        });
        return new ProbeProcess(child, limits);
    }

    /** Started ahead of need (see probeSpare): it must not keep the process alive while it waits. */
    waitInBackground(): this {
        this.child.unref();
        this.child.channel?.unref();
        return this;
    }

    /** A spare put to work on a file of its own: its limits, and back to keeping the process alive. */
    takeOn(limits: ProbeLimits): this {
        this.limits = limits;
        this.child.ref();
        this.child.channel?.ref();
        return this;
    }

    /** Resolves once the child's backend is up (or the child has ended): for measuring a spare's head start. */
    whenReady(): Promise<void> {
        return this.ready;
    }

    // In this order: field initializers run top to bottom, and the promise's executor sets markReady.
    private markReady: () => void = () => undefined;
    private readonly ready = new Promise<void>((resolve) => this.markReady = resolve);

    /** Whether the child still runs (a spare whose backend failed to start has exited). */
    get alive(): boolean {
        return this.exitDescription == null && this.child.exitCode == null && this.child.signalCode == null;
    }

    /**
     * Probes one file; resolves with the outcome, or rejects with ProbeUnavailableError or an AbortError.
     * `onStage` hears each stage as the child enters it: entering one means the ones before it went through.
     */
    run(request: Omit<ProbeRequest, "type">, signal?: AbortSignal, onStage?: (stage: ProbeStage) => void): Promise<ProbeOutcome> {
        signal?.throwIfAborted();
        return new Promise<ProbeOutcome>((resolveOutcome, reject) => {
            let timer: NodeJS.Timeout | undefined;
            let stageCpuStart: number | undefined;
            const cpuLimited = process.platform === "linux" && this.child.pid != null;
            const poll = setInterval(() => {
                void this.checkMemory();
                void this.readCpuTime().then((now) => {
                    if (now == null)
                        return;
                    stageCpuStart ??= now;
                    const limit = this.limits.stageTimeoutMs[this.stage];
                    if (now - stageCpuStart > limit)
                        settle(this.stopped(`${stageWords(this.stage)} took more than ${Math.round(limit / 1000)} s of processor time`, true));
                });
            }, MEMORY_POLL_MS);
            let settled = false;
            const settle = (outcome: ProbeOutcome | Error) => {
                if (settled)
                    return;
                settled = true;
                clearTimeout(timer);
                clearInterval(poll);
                signal?.removeEventListener("abort", onAbort);
                this.listener = undefined;
                this.exitListener = undefined;
                this.kill();
                if (outcome instanceof Error)
                    reject(outcome);
                else
                    resolveOutcome(outcome);
            };
            const arm = () => {
                clearTimeout(timer);
                stageCpuStart = this.lastCpuMs;
                const limit = this.limits.stageTimeoutMs[this.stage];
                timer = cpuLimited
                    ? setTimeout(() => settle(this.stopped(`${stageWords(this.stage)} did not finish within ${Math.round(limit * WALL_FACTOR_WITH_CPU_TIME / 1000)} s`, true)),
                        limit * WALL_FACTOR_WITH_CPU_TIME)
                    : setTimeout(() => settle(this.stopped(`${stageWords(this.stage)} took longer than ${Math.round(limit / 1000)} s`, true)), limit);
            };
            const onAbort = () => settle(signal?.reason instanceof Error ? signal.reason : abortError());
            signal?.addEventListener("abort", onAbort, {once: true});
            this.listener = (message) => {
                if (message.type === "stage") {
                    arm();
                    onStage?.(message.stage);
                }
                else if (message.type === "done")
                    settle(message.templateProblem != null
                        ? {ok: true, chatWrapper: message.chatWrapper, templateProblem: message.templateProblem}
                        : {ok: true, chatWrapper: message.chatWrapper});
                else if (message.type === "failed")
                    settle(this.failed(message.stage, message.error));
            };
            this.exitListener = (how) => settle(this.stopped(crashReason(this.stage, how, this.stderr)));
            this.overMemory = () => settle(this.stopped(`${stageWords(this.stage)} needed more than ${formatBytes(this.limits.memoryBytes)} of memory`));
            if (this.exitDescription != null) {
                this.exitListener(this.exitDescription);
                return;
            }
            arm();
            this.child.send({type: "probe", ...request} satisfies ProbeRequest);
        });
    }

    /** The highest resident memory seen, in bytes (the backend's own included). */
    get peakRssBytes(): number {
        return this.peakRss;
    }

    dispose(): void {
        this.kill();
    }

    private overMemory: () => void = () => undefined;

    private kill(): void {
        if (this.child.exitCode == null && this.child.signalCode == null)
            this.child.kill("SIGKILL");
    }

    private onMessage(message: ProbeMessage): void {
        if (message.type === "ready")
            this.markReady();
        else if (message.type === "stage") {
            this.stage = message.stage;
            this.baselineRss ??= this.lastRss;
        }
        else if (message.type === "log" && message.level === "error")
            this.logs.push(message.line);
        else if (message.type === "rss")
            this.noteRss(message.bytes);
        this.listener?.(message);
    }

    private onExit(how: string): void {
        this.markReady();
        this.exitDescription ??= how;
        this.exitListener?.(how);
    }

    /** A failure reported by the child (node-llama-cpp threw): llama.cpp's own reason where it logged one. */
    private failed(stage: ProbeStage, error: string): ProbeOutcome | Error {
        this.stage = stage;
        return this.stopped(failureReason(stage, error, this.logs));
    }

    /** The outcome of a probe that ended early with `reason`, by the stage it ended in. */
    private stopped(reason: string, timedOut = false): ProbeOutcome | Error {
        if (this.stage === "start")
            return new ProbeUnavailableError(`the model probe could not start llama.cpp: ${reason}`);
        const time = timedOut ? {timedOut: true as const} : {};
        if (this.stage === "template")
            return {ok: true, chatWrapper: null, templateProblem: reason, ...time};
        return {ok: false, stage: this.stage, reason, ...time};
    }

    /** The child's processor time now, in ms (Linux), remembered for the next stage's start. */
    private async readCpuTime(): Promise<number | undefined> {
        const now = await childCpuTimeMs(this.child.pid);
        if (now != null)
            this.lastCpuMs = now;
        return now;
    }

    private async checkMemory(): Promise<void> {
        const pid = this.child.pid;
        if (pid == null || process.platform !== "linux")
            return;
        const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
        const kb = /VmRSS:\s*(\d+)\s*kB/.exec(status)?.[1];
        if (kb != null)
            this.noteRss(Number(kb) * 1024);
    }

    private noteRss(bytes: number): void {
        this.peakRss = Math.max(this.peakRss, bytes);
        this.lastRss = bytes;
        if (this.baselineRss != null && bytes - this.baselineRss > this.limits.memoryBytes)
            this.overMemory();
    }
}
