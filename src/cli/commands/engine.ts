import {describeEngine, type EngineInfo} from "../../engine/engineInfo";
import {LlamaRuntime, describeSelection} from "../../engine/llamaRuntime";
import {type GpuSetting} from "../../engine/engineSettings";
import type {ThreadPlan, ThreadSettings} from "../../threads/decideThreads";
import {ThreadTuner} from "../../threads/threadTuner";
import {physicalCoreCount} from "../../threads/cpuCores";
import {silentLogger, stderrLogger, type Logger} from "../../util/logger";
import {UsageError, type CliCommand, type CliIo, type ParsedArgs} from "../cliCommand";
import {runEngineBuild} from "./engineBuild";
import {THREAD_FLAG_NAMES, gpuOption, threadCacheFile, threadSettingsFromArgs} from "./engineOptions";
import {runEngineProbe} from "./engineProbe";

export const engineCommand: CliCommand = {
    name: "engine",
    summary: "build llama.cpp for this machine, measure thread counts, show which engine runs",
    help: `Usage: quantpilot engine status [--json]
       quantpilot engine build [--gpu auto|cpu|cuda|vulkan|metal] [--model FILE] [--json] [--verbose]
       quantpilot engine probe FILE [--engine auto|prebuilt] [--tune] [--json]

status  Which engine a model would run on: the prebuilt binaries or a local build made on this
        machine, the CPU code variant, the GPU backend, and the thread counts the policy picks.
build   Builds node-llama-cpp's llama.cpp from the source its package ships (offline; needs
        cmake, a C++ compiler, make or ninja, git and npm; several minutes). The engine in use
        stays as it is until the build has finished; with --model the new build is compared with
        the prebuilt engine on that model and only kept if faster. A GPU backend whose SDK is
        missing is built for the CPU instead, with a note. Log: ~/.cache/quantpilot/engine-build.log
probe   Loads FILE, measures prompt and decode speed at a few thread counts (a few seconds) the
        first time a model of its size runs on this engine (--tune: again), remembers the
        fastest, and reports the speed with it.

  --threads N          both phases (default: measured, else chosen from the cores)
  --prompt-threads N   prompt processing only
  --decode-threads N   decoding only
  --gpu G              backend to use or build (default: auto)
  --verbose            print the build log / engine details to stderr
`,
    options: {
        json: {type: "boolean"},
        verbose: {type: "boolean"},
        gpu: {type: "string"},
        model: {type: "string"},
        engine: {type: "string"},
        tune: {type: "boolean"},
        threads: {type: "string"},
        "prompt-threads": {type: "string"},
        "decode-threads": {type: "string"},
        "prompt-tokens": {type: "string"},
        "decode-tokens": {type: "string"},
        repeats: {type: "string"}
    },
    positionals: true,
    async run(args, io) {
        const sub = args.positionals[0];
        const log = stderrLogger(args.values.verbose === true);
        switch (sub) {
            case "status": return printStatus(args, io, log);
            case "build": return runEngineBuild(args, io, gpuOption(args, "auto"), log);
            case "probe": return runEngineProbe(args, io, log, gpuOption(args, "auto"));
            default:
                throw new UsageError(sub == null ? "expected status, build or probe" : `unknown engine command "${sub}" (status, build or probe)`);
        }
    }
};

export interface EngineStatus {
    readonly engine: EngineInfo;
    readonly threads: Pick<ThreadPlan, "prompt" | "decode" | "why" | "notes"> & {readonly cores: number};
}

/** Which engine and thread counts a model of `modelBytes` would get; for `engine status` and `inspect`. */
export async function engineStatus(gpu: GpuSetting, settings: ThreadSettings, modelBytes = 0, log: Logger = silentLogger): Promise<EngineStatus> {
    const runtime = new LlamaRuntime(log);
    try {
        const llama = await runtime.get(gpu);
        const engine = await describeEngine(llama, runtime.engine);
        const tuner = new ThreadTuner({cacheFile: threadCacheFile(), log, names: THREAD_FLAG_NAMES});
        const plan = tuner.plan(settings, {build: llama.buildType, gpu: llama.gpu, modelBytes});
        return {engine, threads: {prompt: plan.prompt, decode: plan.decode, why: plan.why, notes: plan.notes, cores: physicalCoreCount()}};
    } finally {
        await runtime.dispose();
    }
}

async function printStatus(args: ParsedArgs, io: CliIo, log: Logger): Promise<void> {
    const status = await engineStatus(gpuOption(args, "auto"), threadSettingsFromArgs(args), 0, log);
    if (args.values.json === true) {
        io.out(JSON.stringify(status));
        return;
    }
    const e = status.engine;
    const t = status.threads;
    io.out([
        `engine        ${e.build === "localBuild" ? "local build" : "prebuilt"}${e.localBuild?.comparison != null ? ` — ${e.localBuild.comparison}` : ""}`,
        `CPU variant   ${e.cpuVariant} (${e.cpuFeatures})`,
        `GPU           ${e.gpu === false ? "none (CPU)" : `${e.gpu}: ${e.gpuDevices.join(", ")}`}`,
        `threads       prompt ${t.prompt} (${t.why.prompt}); decode ${t.decode} (${t.why.decode})`,
        ...t.notes.map((n) => `note          ${n}`),
        ...(e.problem != null ? [`problem       ${e.problem}`] : []),
        `(${describeSelection({setting: e.setting === "prebuilt" ? "prebuilt" : "auto", build: e.build})})`
    ].join("\n"));
}
