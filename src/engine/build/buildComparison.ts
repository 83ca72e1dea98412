import {execFile} from "node:child_process";
import {median} from "simple-statistics";
import {planThreads} from "../../threads/decideThreads";
import {physicalCoreCount} from "../../threads/cpuCores";
import type {BuildGpu} from "./buildGpu";
import type {EngineSlot} from "./localEngineBuilds";

/** How to start QuantPilot's own CLI in a child process. */
export interface CliLauncher {
    readonly command: string;
    /** Arguments before the CLI's own (the script, and e.g. `--import tsx`). */
    readonly args: readonly string[];
    readonly env?: NodeJS.ProcessEnv;
}

/** The CLI that is running now, started again (works from dist/cli.js and under tsx). */
export function currentCliLauncher(): CliLauncher {
    return {command: process.execPath, args: [...process.execArgv, process.argv[1]!]};
}

/** The CLI shipped in the extension, started with the extension host's own Node (Electron as Node). */
export function extensionCliLauncher(cliScript: string): CliLauncher {
    return {command: process.execPath, args: [cliScript], env: {ELECTRON_RUN_AS_NODE: "1"}};
}

/** One engine's speed on a model, as `quantpilot engine probe --json` reports it. */
export interface MeasuredEngine {
    /** node-llama-cpp's build type: "prebuilt" or "localBuild". */
    readonly build: string;
    readonly promptTokensPerSecond: number;
    readonly decodeTokensPerSecond: number;
    readonly threads: {readonly prompt: number; readonly decode: number};
}

export interface BuildComparison {
    readonly local: MeasuredEngine;
    readonly prebuilt: MeasuredEngine;
    /** Local over prebuilt; above 1 means the local build is faster. */
    readonly promptSpeedup: number;
    readonly decodeSpeedup: number;
    /** For a typical completion request: 512 prompt tokens, then 32 generated. */
    readonly requestSpeedup: number;
    readonly keepLocal: boolean;
    /** One sentence for the user. */
    readonly summary: string;
}

/** A typical inline-completion request, for weighing prompt speed against decode speed. */
const TYPICAL_PROMPT = 512;
const TYPICAL_DECODE = 32;

/** Decides between the builds: the local one must make a typical request faster to be kept. */
export function judgeBuilds(local: MeasuredEngine, prebuilt: MeasuredEngine): BuildComparison {
    const requestSeconds = (e: MeasuredEngine) =>
        TYPICAL_PROMPT / Math.max(e.promptTokensPerSecond, 1e-9) + TYPICAL_DECODE / Math.max(e.decodeTokensPerSecond, 1e-9);
    const promptSpeedup = local.promptTokensPerSecond / Math.max(prebuilt.promptTokensPerSecond, 1e-9);
    const decodeSpeedup = local.decodeTokensPerSecond / Math.max(prebuilt.decodeTokensPerSecond, 1e-9);
    const requestSpeedup = requestSeconds(prebuilt) / requestSeconds(local);
    const keepLocal = requestSpeedup > 1;
    const detail = `prompt processing ${factor(promptSpeedup)}, generation ${factor(decodeSpeedup)}, a typical completion request ${factor(requestSpeedup)}`;
    const summary = keepLocal
        ? `The engine built for this machine is faster than the prebuilt one (${detail}); QuantPilot uses it from now on.`
        : `The engine built for this machine is not faster than the prebuilt one (${detail}); QuantPilot keeps the prebuilt engine.`;
    return {local, prebuilt, promptSpeedup, decodeSpeedup, requestSpeedup, keepLocal, summary};
}

function factor(x: number): string {
    return `${x.toFixed(2)}x`;
}

export interface CompareOptions {
    readonly cli: CliLauncher;
    readonly modelPath: string;
    /** The slot of the new build. */
    readonly slot: EngineSlot;
    /** The backend it was built for; both engines are measured on it. */
    readonly gpu: BuildGpu;
    /** Thread counts both engines run with. Default: the policy's defaults for this machine (no headroom). */
    readonly threads?: {readonly prompt: number; readonly decode: number};
    /** Measurements per engine, alternating between them. Default 2. */
    readonly rounds?: number;
    readonly signal?: AbortSignal;
}

/**
 * Measures the new build and the prebuilt engine on the same model, each in its own child
 * process (two builds of llama.cpp in one process would share libraries and memory), with the
 * same thread counts, and judges.
 */
export async function compareWithPrebuilt(options: CompareOptions): Promise<BuildComparison> {
    const runs: {local: MeasuredEngine[]; prebuilt: MeasuredEngine[]} = {local: [], prebuilt: []};
    // Alternating (and swapping who goes first) spreads load from elsewhere over both engines.
    for (let round = 0; round < (options.rounds ?? 2); round++) {
        for (const which of round % 2 === 0 ? ["prebuilt", "local"] as const : ["local", "prebuilt"] as const)
            runs[which].push(await probeInChild(options, which === "local" ? `slot:${options.slot}` : "prebuilt"));
    }
    if (runs.local.some((r) => r.build !== "localBuild"))
        throw new Error("the new build could not be loaded for the comparison");
    return judgeBuilds(medianEngine(runs.local), medianEngine(runs.prebuilt));
}

function medianEngine(runs: readonly MeasuredEngine[]): MeasuredEngine {
    return {
        ...runs[0]!,
        promptTokensPerSecond: Math.round(median(runs.map((r) => r.promptTokensPerSecond)) * 10) / 10,
        decodeTokensPerSecond: Math.round(median(runs.map((r) => r.decodeTokensPerSecond)) * 10) / 10
    };
}

function probeInChild(options: CompareOptions, engine: string): Promise<MeasuredEngine> {
    const threads = options.threads ?? planThreads({settings: {threads: 0}, cores: physicalCoreCount()});
    const args = [...options.cli.args, "engine", "probe", options.modelPath, "--engine", engine,
        "--gpu", options.gpu === false ? "cpu" : options.gpu,
        "--prompt-threads", String(threads.prompt), "--decode-threads", String(threads.decode), "--json"];
    return new Promise((resolve, reject) => {
        execFile(options.cli.command, args, {
            env: {...process.env, ...options.cli.env},
            maxBuffer: 16 << 20,
            ...(options.signal != null ? {signal: options.signal} : {})
        }, (err, stdout, stderr) => {
            if (err != null) {
                const why = stderr.trim().split("\n").pop() ?? err.message;
                reject(options.signal?.aborted ? err : new Error(`measuring the ${engine} engine failed: ${why}`, {cause: err}));
                return;
            }
            try {
                resolve(JSON.parse(stdout.trim().split("\n").pop()!) as MeasuredEngine);
            } catch (parseError) {
                reject(new Error(`measuring the ${engine} engine printed no result`, {cause: parseError}));
            }
        });
    });
}
