/**
 * Switching quantization levels vs loading the same variant from nothing.
 *
 *   npm run bench:switch -- [--preset small|coder-0.5b] [--from Q8_0] [--to Q4_K_M] [--reps 5] [--threads 1] [--json]
 *
 * "Load" = a fresh engine (backend already up) loads the target variant. "Switch" = an engine
 * serving the source variant loads the target: the target loads while the source keeps serving,
 * then the source is disposed. Switch time runs until the target serves (the engine's model-change
 * event); the time until the source is disposed as well is reported beside it. Runs
 * alternate so that drift on a shared machine hits both. Target: switch <= 1.2 x load (medians).
 */
import {parseArgs} from "node:util";
import {median} from "simple-statistics";
import {cpus} from "node:os";
import type {LoadOptions} from "../src/engine/localEngine";
import {LocalCompleter} from "../src/completion/localCompleter";
import {isGeneratedModelPreset} from "../src/gguf/generatedModelPresets";
import {newTestEngine} from "../test/helpers/engine";
import {quantizedTestModel} from "../test/helpers/testModels";

const {values} = parseArgs({
    options: {
        preset: {type: "string", default: "small"},
        from: {type: "string", default: "Q8_0"},
        to: {type: "string", default: "Q4_K_M"},
        reps: {type: "string", default: "5"},
        threads: {type: "string", default: "1"},
        json: {type: "boolean", default: false}
    }
});

async function variant(preset: string, type: string): Promise<string> {
    if (!isGeneratedModelPreset(preset))
        throw new Error(`unknown preset ${preset}`);
    return quantizedTestModel(preset, type);
}

async function main(): Promise<void> {
    const reps = Number(values.reps);
    const options: LoadOptions = {gpu: "cpu", threads: Number(values.threads), contextSize: 1024};
    const from = await variant(values.preset!, values.from!);
    const to = await variant(values.preset!, values.to!);
    const loadMs: number[] = [];
    /** Until the new variant serves (the engine announces it); the old one is disposed after. */
    const switchMs: number[] = [];
    /** Until `load` returns, the old variant disposed too. */
    const switchWithDisposeMs: number[] = [];
    const engine = newTestEngine();
    await engine.load(to, options); // warm the backend and the page cache once
    await engine.unload();
    for (let i = 0; i < reps; i++) {
        let started = performance.now();
        await engine.load(to, options);
        loadMs.push(performance.now() - started);
        await engine.unload();

        await engine.load(from, options);
        await new LocalCompleter(engine).complete({prefix: "def f(x):\n    ", suffix: "\n", maxTokens: 4}); // the source is really serving
        let servingAt = 0;
        const listener = engine.onDidChangeModel((model) => {
            if (model?.path === to)
                servingAt = performance.now();
        });
        started = performance.now();
        await engine.load(to, options);
        const done = performance.now();
        listener.dispose();
        switchMs.push(servingAt - started);
        switchWithDisposeMs.push(done - started);
        await engine.unload();
    }
    await engine.dispose();
    const result = {
        bench: "switch",
        preset: values.preset,
        from: values.from,
        to: values.to,
        reps,
        threads: options.threads,
        loadMsMedian: Number(median(loadMs).toFixed(1)),
        switchMsMedian: Number(median(switchMs).toFixed(1)),
        ratio: Number((median(switchMs) / median(loadMs)).toFixed(3)),
        switchWithDisposeMsMedian: Number(median(switchWithDisposeMs).toFixed(1)),
        ratioWithDispose: Number((median(switchWithDisposeMs) / median(loadMs)).toFixed(3)),
        target: 1.2,
        loadMs: loadMs.map((v) => Number(v.toFixed(1))),
        switchMs: switchMs.map((v) => Number(v.toFixed(1))),
        cpu: cpus()[0]?.model ?? "unknown",
        cores: cpus().length,
        date: new Date().toISOString().slice(0, 10)
    };
    if (values.json) {
        console.log(JSON.stringify(result));
        return;
    }
    console.log(`plain load of ${values.to}: median ${result.loadMsMedian} ms  ${JSON.stringify(result.loadMs)}`);
    console.log(`switch ${values.from} -> ${values.to}: median ${result.switchMsMedian} ms  ${JSON.stringify(result.switchMs)}`);
    console.log(`  until the old one is disposed too: median ${result.switchWithDisposeMsMedian} ms (${result.ratioWithDispose} x load)`);
    console.log(`ratio ${result.ratio} (target <= ${result.target}) on ${result.cpu}, ${result.cores} cores`);
}

main().then(() => process.exit(0), (err: unknown) => {
    console.error(err);
    process.exit(1);
});
