/**
 * LoRA adapters on a loaded model: how long applying one takes, how long switching A -> B takes,
 * both against a full reload of the same model in the same run, and whether an A/B of base vs
 * base + adapter runs to completion (with its KLD).
 *
 *   npm run bench:lora -- [--threads 2] [--repeats 3] [--ab-budget-seconds 60] [--json]
 *
 * Model: the real Qwen2.5-Coder-0.5B from .cache/real-models/manifest.json when there, else the
 * generated "small" model. There is no trained LoRA on this machine: both adapters are random
 * low-rank weights (rank 8 on the attention q and v projections, src/gguf/generatedAdapter.ts),
 * which cost llama.cpp what a trained adapter of that rank costs but mean nothing.
 * `npm run bench:speculative` calls `measureLora` for the `lora` part of its last line.
 */
import {existsSync, readFileSync} from "node:fs";
import {mkdir} from "node:fs/promises";
import {join} from "node:path";
import {parseArgs} from "node:util";
import {runAb} from "../src/ab/runner/abRun";
import {makeRandomAdapter} from "../src/gguf/generatedAdapter";
import {LlamaRuntime} from "../src/engine/llamaRuntime";
import {LocalEngine} from "../src/engine/localEngine";
import type {AdapterRequest} from "../src/engine/lora/adapterRequest";
import {silentLogger} from "../src/util/logger";
import {CACHE_DIR} from "../test/helpers/paths";
import {testModel} from "../test/helpers/testModels";

export interface LoraBenchOptions {
    readonly threads: number;
    /** Timed repetitions of each step (medians reported). Default: 3. */
    readonly repeats?: number;
    /** Wall-clock target of the A/B; it stops adding windows when it runs out. Default: 60. */
    readonly abBudgetSeconds?: number;
}

export interface LoraBenchResult {
    readonly model: string;
    readonly weights: "real" | "generated";
    readonly adapters: "random-weight";
    readonly adapterBytes: number;
    /** Median ms to apply an adapter to the loaded model (the file already read once; see firstLoadMs). */
    readonly loadMs: number;
    /** The very first application, which also reads the adapter file into memory. */
    readonly firstLoadMs: number;
    /** Median ms to switch from adapter A to adapter B. */
    readonly switchMs: number;
    /** Median ms to load the same model from scratch (what a switch would cost by reloading). */
    readonly reloadMs: number;
    /** reloadMs / switchMs. */
    readonly switchVsReload: number;
    /** Greedy text with the adapter differs from the base model's. */
    readonly changesOutput: boolean;
    readonly abDone: boolean;
    readonly ab: {readonly kldMean: number; readonly sameTop1: number; readonly windows: number; readonly seconds: number} | {readonly error: string};
}

function realModel(): string | undefined {
    const manifest = join(CACHE_DIR, "real-models", "manifest.json");
    if (!existsSync(manifest))
        return undefined;
    const models = (JSON.parse(readFileSync(manifest, "utf8")) as {models: {id: string; path: string}[]}).models;
    const path = models.find((m) => m.id.startsWith("qwen2.5-coder-0.5b"))?.path;
    return path != null && existsSync(path) ? path : undefined;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (n: number) => Math.round(n * 10) / 10;

async function timed(work: () => Promise<unknown>): Promise<number> {
    const started = performance.now();
    await work();
    return performance.now() - started;
}

async function greedy(engine: LocalEngine): Promise<string> {
    const loaded = engine.loaded!;
    const prompt = loaded.tokenize("def fibonacci(n):\n    ");
    return (await loaded.exclusive(undefined, (s) => s.generate(prompt, {maxTokens: 16, startedAt: performance.now(), predictor: "none"}))).text;
}

export async function measureLora(options: LoraBenchOptions): Promise<LoraBenchResult> {
    const real = realModel();
    const model = real ?? await testModel("small");
    const dir = join(CACHE_DIR, "lora-bench");
    await mkdir(dir, {recursive: true});
    const name = model.split("/").pop()!.replace(/\.gguf$/, "");
    const adapter = async (seed: number) => {
        const outPath = join(dir, `${name}-random-lora-r8-s${seed}.gguf`);
        if (!existsSync(outPath))
            await makeRandomAdapter({basePath: model, outPath, rank: 8, seed});
        return outPath;
    };
    const a: AdapterRequest = {path: await adapter(1), scale: 1};
    const b: AdapterRequest = {path: await adapter(2), scale: 1};
    const repeats = options.repeats ?? 3;
    const runtime = new LlamaRuntime(silentLogger);
    // The A/B first, before this process has loaded anything: it loads the model twice (reference,
    // then base + adapter). abDone reports whether it finished; the error when it did not.
    const ab = await abOfAdapter(model, a, runtime, options);
    const engine = new LocalEngine(runtime, silentLogger);
    const loadOptions = {gpu: "cpu" as const, threads: options.threads, contextSize: 2048};
    try {
        await engine.load(model, loadOptions);
        const plain = await greedy(engine);
        const firstLoadMs = await timed(() => engine.setAdapters([a]));
        const changesOutput = await greedy(engine) !== plain;
        const adapterBytes = engine.model?.adapters?.[0]?.tensorBytes ?? 0;
        const loads: number[] = [], switches: number[] = [], reloads: number[] = [];
        for (let i = 0; i < repeats; i++) {
            await engine.setAdapters([]);
            loads.push(await timed(() => engine.setAdapters([a])));
            switches.push(await timed(() => engine.setAdapters([b])));
            reloads.push(await timed(() => engine.load(model, loadOptions)));
        }
        return {
            model: name, weights: real != null ? "real" : "generated", adapters: "random-weight", adapterBytes,
            loadMs: round(median(loads)), firstLoadMs: round(firstLoadMs), switchMs: round(median(switches)), reloadMs: round(median(reloads)),
            switchVsReload: round(median(reloads) / median(switches)), changesOutput,
            abDone: "kldMean" in ab, ab
        };
    } finally {
        await engine.dispose();
        await runtime.dispose();
    }
}

async function abOfAdapter(model: string, adapter: AdapterRequest, runtime: LlamaRuntime, options: LoraBenchOptions): Promise<LoraBenchResult["ab"]> {
    const started = performance.now();
    try {
        const report = await runAb({
            referencePath: model, candidatePaths: [], adapterCandidates: [{path: model, adapters: [adapter]}],
            runtime, gpu: "auto", threads: options.threads, window: 256, metrics: ["quality"], cacheDir: null,
            budgetSeconds: options.abBudgetSeconds ?? 60
        });
        const quality = report.candidates[0]?.quality;
        if (quality == null || quality.windows === 0)
            return {error: "the A/B scored no windows"};
        return {kldMean: quality.kld.mean, sameTop1: quality.sameTop1.rate, windows: quality.windows, seconds: round((performance.now() - started) / 1000)};
    } catch (err) {
        return {error: err instanceof Error ? err.message : String(err)};
    }
}

async function main(): Promise<void> {
    const {values} = parseArgs({options: {
        threads: {type: "string", default: "2"}, repeats: {type: "string", default: "3"},
        "ab-budget-seconds": {type: "string", default: "60"}, json: {type: "boolean", default: false}
    }});
    const result = await measureLora({threads: Number(values.threads), repeats: Number(values.repeats), abBudgetSeconds: Number(values["ab-budget-seconds"])});
    if (values.json !== true)
        process.stderr.write(`apply ${result.loadMs} ms, switch ${result.switchMs} ms, full reload ${result.reloadMs} ms (${result.switchVsReload}x)\n`);
    console.log(JSON.stringify(result));
}

if (process.argv[1]?.replace(/\\/g, "/").endsWith("bench/lora.ts") === true) {
    void main().catch((err: unknown) => {
        process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
        process.exitCode = 1;
    });
}
