import {resolve} from "node:path";
import type {MeasuredEngine} from "../../engine/build/buildComparison";
import {LlamaRuntime, type LlamaRuntimeOptions} from "../../engine/llamaRuntime";
import {type GpuSetting} from "../../engine/engineSettings";
import {LocalEngine} from "../../engine/localEngine";
import {servingThreadsOf} from "../../threads/applyThreads";
import {measureEngineSpeed} from "../../engine/speedMeasure";
import {ThreadTuner} from "../../threads/threadTuner";
import type {Logger} from "../../util/logger";
import {UsageError, integerOption, stringOption, type CliIo, type ParsedArgs} from "../cliCommand";
import {THREAD_FLAG_NAMES, threadCacheFile, threadSettingsFromArgs} from "./engineOptions";

/**
 * `quantpilot engine probe FILE`: loads the model with the chosen engine, applies the measured
 * thread policy (probing when nothing is cached, or with --tune), then reports prompt and decode
 * speed. The build comparison runs this in child processes, one per engine.
 */
export async function runEngineProbe(args: ParsedArgs, io: CliIo, log: Logger, gpu: GpuSetting): Promise<void> {
    if (args.positionals.length !== 2)
        throw new UsageError("expected: quantpilot engine probe FILE");
    const path = resolve(args.positionals[1]!);
    const runtime = new LlamaRuntime(log, runtimeOptionsFor(stringOption(args, "engine") ?? "auto"));
    const engine = new LocalEngine(runtime, log);
    try {
        const settings = threadSettingsFromArgs(args);
        const llama = await runtime.get(gpu);
        const tuner = new ThreadTuner({cacheFile: threadCacheFile(), log, names: THREAD_FLAG_NAMES});
        const facts = {build: llama.buildType, gpu: llama.gpu, modelBytes: 0};
        const loaded = await engine.load(path, {gpu, threads: 1, contextSize: 1024}, {signal: io.signal});
        const tuningFacts = {...facts, modelBytes: loaded.sizeBytes};
        const model = engine.loaded!.model;
        const tuned = await tuner.tune(model, settings, tuningFacts, {signal: io.signal, force: args.values.tune === true});
        for (const note of tuned.plan.notes)
            io.note(`note: ${note}`);
        const threads = servingThreadsOf(model)?.counts ?? {prompt: tuned.plan.prompt, decode: tuned.plan.decode};
        const speed = await measureEngineSpeed(model, {
            threads,
            promptTokens: integerOption(args, "prompt-tokens", 2, 4096) ?? 256,
            decodeTokens: integerOption(args, "decode-tokens", 1, 1024) ?? 32,
            repeats: integerOption(args, "repeats", 1, 50) ?? 3,
            signal: io.signal
        });
        const result: MeasuredEngine & {why: typeof tuned.plan.why} = {
            build: llama.buildType,
            promptTokensPerSecond: round(speed.prompt),
            decodeTokensPerSecond: round(speed.decode),
            threads,
            why: tuned.plan.why
        };
        io.out(args.values.json === true ? JSON.stringify(result) :
            `${result.build}: prompt ${result.promptTokensPerSecond} t/s with ${threads.prompt} threads, ` +
            `decode ${result.decodeTokensPerSecond} t/s with ${threads.decode} threads`);
    } finally {
        await engine.dispose();
        await runtime.dispose();
    }
}

/** --engine auto | prebuilt | slot:NAME (a build not yet activated, for the comparison). */
function runtimeOptionsFor(engine: string): LlamaRuntimeOptions {
    if (engine === "auto" || engine === "prebuilt")
        return {engineBuild: engine};
    const slot = /^slot:([a-z0-9-]+)$/.exec(engine)?.[1];
    if (slot == null)
        throw new UsageError(`--engine must be auto, prebuilt or slot:NAME, not "${engine}"`);
    return {forceSlot: slot};
}

function round(x: number): number {
    return Math.round(x * 10) / 10;
}
