import {createWriteStream, existsSync, readFileSync, writeFileSync, type WriteStream} from "node:fs";
import {mkdir} from "node:fs/promises";
import {dirname, join} from "node:path";
import {abortError} from "../../util/abort";
import {nodeLlamaCppDir} from "../../llamaSource/nodeLlamaCppPackage";
import type {GpuSetting} from "../engineSettings";
import {BuildToolsMissingError, EngineBuildFailedError} from "./buildErrors";
import {chooseBuildGpu, describeBuildGpu, type BuildGpu} from "./buildGpu";
import {buildProgressOf, runBuildProcess} from "./buildProcess";
import {checkBuildTools, describeMissingTools} from "./buildTools";
import {LocalEngineBuilds, slotCmakeOptions, type EngineSlot} from "./localEngineBuilds";
import {nativeCpuCmakeOptions} from "./nativeCpuOptions";

export interface EngineBuildProgress {
    /** What is happening, for a progress notification. */
    readonly message: string;
    /** 0..1 while compiling, when cmake reports it. */
    readonly fraction?: number;
}

export interface EngineBuildOptions {
    /** Backend to build for. Default "auto": the GPU the engine runs on now (`runningGpu`), else the CPU. */
    readonly gpu?: GpuSetting;
    /** The GPU backend in use now ("cuda", ...), or false on the CPU. Default false. */
    readonly runningGpu?: string | false;
    /** Where the whole build log is written; it is kept after a failure. */
    readonly logFile: string;
    readonly signal?: AbortSignal;
    /** Every line the build prints, e.g. for an output channel. */
    readonly onLine?: (line: string) => void;
    readonly onProgress?: (progress: EngineBuildProgress) => void;
    /** Default: node-llama-cpp's own localBuilds folder. */
    readonly builds?: LocalEngineBuilds;
    /** Environment for the tool checks and the build. Default: this process's. */
    readonly env?: NodeJS.ProcessEnv;
    /** node-llama-cpp's CLI script. A seam for tests that make a build fail midway. */
    readonly builderCli?: string;
    /** Extra cmake options. Default: `nativeCpuCmakeOptions()`. */
    readonly cmakeOptions?: Readonly<Record<string, string>>;
}

export interface EngineBuildResult {
    readonly slot: EngineSlot;
    /** The new build's folder under localBuilds/. Not active yet: the caller compares, then activates. */
    readonly folder: string;
    readonly gpu: BuildGpu;
    /** Things the user should know, e.g. that a GPU SDK was missing and the CPU was built instead. */
    readonly notes: readonly string[];
    readonly logFile: string;
    readonly seconds: number;
}

const TAIL_LINES = 40;

/**
 * Builds node-llama-cpp's llama.cpp for this machine from the source bundle its package ships
 * (no network), with node-llama-cpp's own build in a child process. The new build goes into a
 * slot beside the one in use; a failed or cancelled build removes what it wrote, so the working
 * engine (prebuilt or an earlier local build) is untouched either way.
 */
export async function buildEngine(options: EngineBuildOptions): Promise<EngineBuildResult> {
    const env = options.env ?? process.env;
    const builds = options.builds ?? new LocalEngineBuilds();
    const progress = options.onProgress ?? (() => undefined);
    progress({message: "Checking build tools"});
    const tools = await checkBuildTools({env});
    if (!tools.ok)
        throw new BuildToolsMissingError(describeMissingTools(tools), tools.missing);
    options.signal?.throwIfAborted();
    const choice = chooseBuildGpu(options.gpu ?? "auto", options.runningGpu ?? false, env);
    const slot = builds.nextSlot();
    for (const stale of builds.foldersOfSlot(slot))
        await builds.remove(stale);
    const before = new Set(builds.entries());
    const log = await openLog(options.logFile);
    const tail: string[] = [];
    const onLine = (line: string) => {
        log.write(line + "\n");
        tail.push(line);
        if (tail.length > TAIL_LINES)
            tail.shift();
        options.onLine?.(line);
        const fraction = buildProgressOf(line);
        if (fraction != null)
            progress({message: `Compiling llama.cpp for ${describeBuildGpu(choice.gpu)}`, fraction});
    };
    for (const line of [...tools.found.map((t) => `found ${t}`), ...(choice.note != null ? [`note: ${choice.note}`] : [])])
        onLine(line);
    const startedAt = performance.now();
    progress({message: `Preparing the llama.cpp source (${describeBuildGpu(choice.gpu)} build)`});
    const guard = guardReleaseInfo();
    let exit;
    try {
        exit = await runBuildProcess({
            command: process.execPath,
            args: [options.builderCli ?? join(nodeLlamaCppDir(), "dist", "cli", "cli.js"), ...builderArgs(choice.gpu)],
            env: childEnv(env, {...(options.cmakeOptions ?? nativeCpuCmakeOptions()), ...slotCmakeOptions(slot)}),
            signal: options.signal,
            onLine
        });
    } finally {
        guard.restore();
        await closeLog(log);
    }
    const folder = exit.code === 0 && !exit.aborted ? builds.folderOf(slot, choice.gpu) : undefined;
    if (folder == null || !builds.isComplete(folder)) {
        await removeNewEntries(builds, before, slot);
        if (exit.aborted || options.signal?.aborted)
            throw abortError("The engine build was cancelled");
        const reason = exit.code === 0 ? "the build finished but its files are incomplete" : `the build exited with code ${exit.code}`;
        throw new EngineBuildFailedError(reason, options.logFile, tail);
    }
    return {
        slot, folder, gpu: choice.gpu, notes: choice.note != null ? [choice.note] : [],
        logFile: options.logFile, seconds: (performance.now() - startedAt) / 1000
    };
}

/** `source build` reuses an unpacked source tree; the first time, `source download` unpacks the bundled one. */
function builderArgs(gpu: BuildGpu): string[] {
    const cloned = existsSync(join(nodeLlamaCppDir(), "llama", "llama.cpp", ".git"));
    return ["source", cloned ? "build" : "download", "--gpu", String(gpu), "--noUsageExample"];
}

/** node-llama-cpp's CLI takes custom cmake options from NODE_LLAMA_CPP_CMAKE_OPTION_* variables. */
function childEnv(env: NodeJS.ProcessEnv, cmakeOptions: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
    const options = Object.fromEntries(Object.entries(cmakeOptions).map(([key, value]) => [`NODE_LLAMA_CPP_CMAKE_OPTION_${key}`, value]));
    return {
        ...env,
        ...options,
        // In the extension host process.execPath is Electron; this makes it behave as Node.
        ELECTRON_RUN_AS_NODE: "1",
        NO_COLOR: "1",
        FORCE_COLOR: "0"
    };
}

/**
 * `source download` deletes and rewrites node-llama-cpp's llama.cpp.info.json, which the prebuilt
 * engine and QuantPilot's source reader rely on; a build cancelled at that moment must not lose it.
 */
function guardReleaseInfo(): {restore(): void} {
    const path = join(nodeLlamaCppDir(), "llama", "llama.cpp.info.json");
    const saved = existsSync(path) ? readFileSync(path) : undefined;
    return {
        restore() {
            if (saved != null && !existsSync(path))
                writeFileSync(path, saved);
        }
    };
}

/** Removes everything the failed build added to localBuilds/ (the half-built folder and its lock). */
async function removeNewEntries(builds: LocalEngineBuilds, before: ReadonlySet<string>, slot: EngineSlot): Promise<void> {
    const added = builds.entries().filter((name) => !before.has(name));
    for (const name of new Set([...added, ...builds.foldersOfSlot(slot)]))
        await builds.remove(name);
}

async function openLog(path: string): Promise<WriteStream> {
    await mkdir(dirname(path), {recursive: true});
    const stream = createWriteStream(path, {flags: "w"});
    stream.write(`QuantPilot engine build, ${new Date().toISOString()}\n`);
    return stream;
}

function closeLog(stream: WriteStream): Promise<void> {
    return new Promise((resolve) => stream.end(resolve));
}
