import {resolve} from "node:path";
import {compareOrDiscard, settleBuild} from "../../engine/build/buildActivation";
import {currentCliLauncher, type BuildComparison} from "../../engine/build/buildComparison";
import {describeBuildGpu} from "../../engine/build/buildGpu";
import {buildEngine} from "../../engine/build/engineBuild";
import {LocalEngineBuilds} from "../../engine/build/localEngineBuilds";
import {LlamaRuntime} from "../../engine/llamaRuntime";
import {type GpuSetting} from "../../engine/engineSettings";
import type {Logger} from "../../util/logger";
import {stringOption, type CliIo, type ParsedArgs} from "../cliCommand";
import {buildLogFile} from "./engineOptions";

/**
 * `quantpilot engine build`: builds the engine for this machine, compares it with the prebuilt
 * one on --model (if given) and keeps the faster.
 */
export async function runEngineBuild(args: ParsedArgs, io: CliIo, gpu: GpuSetting, log: Logger): Promise<void> {
    const builds = new LocalEngineBuilds();
    const runningGpu = gpu === "cpu" ? false : await gpuInUse(gpu, log);
    const verbose = args.values.verbose === true;
    let lastDecile = -1;
    const result = await buildEngine({
        gpu,
        runningGpu,
        logFile: buildLogFile(),
        signal: io.signal,
        builds,
        onLine: (line) => verbose ? io.note(line) : undefined,
        onProgress: (progress) => {
            const decile = progress.fraction == null ? -1 : Math.floor(progress.fraction * 10);
            if (progress.fraction == null)
                io.note(`${progress.message}…`);
            else if (decile > lastDecile && !verbose)
                io.note(`${progress.message}: ${decile * 10}%`);
            lastDecile = Math.max(lastDecile, decile);
        }
    });
    for (const note of result.notes)
        io.note(`note: ${note}`);
    io.note(`Built the ${describeBuildGpu(result.gpu)} engine in ${Math.round(result.seconds)} s (log: ${result.logFile}).`);
    const model = stringOption(args, "model");
    let comparison: BuildComparison | undefined;
    if (model != null) {
        io.note(`Comparing it with the prebuilt engine on ${model}…`);
        comparison = await compareOrDiscard(builds, result, {cli: currentCliLauncher(), modelPath: resolve(model), signal: io.signal});
    }
    const outcome = await settleBuild(builds, result, comparison);
    if (args.values.json === true)
        io.out(JSON.stringify({
            active: outcome.active, gpu: result.gpu, folder: result.folder, seconds: Math.round(result.seconds),
            notes: result.notes, logFile: result.logFile, summary: outcome.summary,
            comparison: comparison == null ? null : {
                prompt: round(comparison.promptSpeedup), decode: round(comparison.decodeSpeedup), request: round(comparison.requestSpeedup),
                local: comparison.local, prebuilt: comparison.prebuilt
            }
        }));
    else
        io.out(outcome.summary);
}

/** The GPU node-llama-cpp finds usable with the prebuilt binaries: what "auto" builds for. */
async function gpuInUse(gpu: GpuSetting, log: Logger): Promise<string | false> {
    const runtime = new LlamaRuntime(log, {engineBuild: "prebuilt"});
    try {
        return (await runtime.get(gpu)).gpu;
    } finally {
        await runtime.dispose();
    }
}

function round(x: number): number {
    return Math.round(x * 100) / 100;
}
