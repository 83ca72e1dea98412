/**
 * What the model guard costs on a first load and on a known file.
 *
 *   npm run bench:guard -- [--preset coder-0.5b] [--type Q4_K_M] [--file PATH] [--reps 3] [--threads 1] [--json]
 *
 * --file: a model file to load instead of the generated preset (for example a real download).
 *
 * Each measurement runs in a fresh process, so "first load" includes starting llama.cpp's backend,
 * as the extension's first load of a session does:
 * - plain: LocalEngine.load with the header check it had before the guard (inspectModelFile), then
 *   the same steps (memory fit, weights, context, chat wrapper);
 * - first: LocalEngine.load with an empty verdict cache (header checks and a probe child process,
 *   then the same load);
 * - primed: as first, but the probe child was started ahead (LocalEngine.prepareGuard, which the
 *   Select Model File command calls before its dialog opens) and its backend is up when the load
 *   starts: the user took longer to pick the file than the child took to start;
 * - known: LocalEngine.load of the same file once its verdict is cached, and the guard's own time
 *   for it (a stat, a hash of the header bytes and a lookup).
 * Runs alternate so drift on a shared machine hits all four. Goals: first (and primed) <= 1.2 x plain, guard on
 * a known file ~ 0 ms. The measuring processes and the probe worker run bundled, as in the
 * extension and the CLI (esbuild writes them to .cache/bench-guard/), not through tsx.
 */
import {execFile} from "node:child_process";
import {build} from "esbuild";
import {mkdtemp, rm} from "node:fs/promises";
import {cpus, tmpdir} from "node:os";
import {basename, join} from "node:path";
import {promisify} from "node:util";
import {parseArgs} from "node:util";
import {median} from "simple-statistics";
import {guardModelFile, type GuardedModelFile} from "../src/engine/guard/guardModelFile";
import {LlamaRuntime} from "../src/engine/llamaRuntime";
import {LocalEngine} from "../src/engine/localEngine";
import {inspectModelFile} from "../src/engine/modelFile";
import {knownArchitectures} from "../src/engine/nodeLlamaCpp";
import {isGeneratedModelPreset} from "../src/gguf/generatedModelPresets";
import {spareProbeReady} from "../src/engine/guard/probeSpare";
import {silentLogger} from "../src/util/logger";
import {quantizedTestModel} from "../test/helpers/testModels";

const run = promisify(execFile);

const {values} = parseArgs({
    options: {
        preset: {type: "string", default: "coder-0.5b"},
        type: {type: "string", default: "Q4_K_M"},
        file: {type: "string"},
        reps: {type: "string", default: "3"},
        threads: {type: "string", default: "1"},
        json: {type: "boolean", default: false},
        child: {type: "string"},
        model: {type: "string"},
        storage: {type: "string"}
    }
});

type Mode = "plain" | "first" | "primed" | "known";

interface ChildResult {
    readonly loadMs: number;
    readonly guardMs?: number;
}

/** One load in this (fresh) process, timed from the call to a model ready to serve. */
async function childMain(mode: Mode, model: string, storage: string, threads: number): Promise<ChildResult> {
    const runtime = new LlamaRuntime(silentLogger);
    try {
        const guardStarted = performance.now();
        const guardMs = mode === "known" ? (await guardModelFile(model, {storageDir: storage, gpu: "cpu"}), performance.now() - guardStarted) : undefined;
        const withoutGuard = async (path: string): Promise<GuardedModelFile> =>
            ({...await inspectModelFile(path, await knownArchitectures()), verdictSource: "header"});
        const engine = new LocalEngine(runtime, silentLogger, {guardStorageDir: storage, ...(mode === "plain" ? {checkModelFile: withoutGuard} : {})});
        if (mode === "primed") {
            engine.prepareGuard("cpu");
            await spareProbeReady();
        }
        const started = performance.now();
        await engine.load(model, {gpu: "cpu", threads, contextSize: 1024});
        const loadMs = performance.now() - started;
        await engine.dispose();
        return {loadMs, ...(guardMs != null ? {guardMs} : {})};
    } finally {
        await runtime.dispose();
    }
}

const BUNDLE_DIR = join(__dirname, "..", ".cache", "bench-guard");

/** This file and the probe worker side by side, bundled as esbuild.mjs bundles the product. */
async function bundle(): Promise<string> {
    await build({
        entryPoints: {guardBench: __filename, probeWorker: join(__dirname, "..", "src", "engine", "guard", "probeWorker.ts")},
        outdir: BUNDLE_DIR, bundle: true, platform: "node", format: "cjs", target: "node20", external: ["node-llama-cpp", "koffi", "esbuild"], logLevel: "warning"
    });
    return join(BUNDLE_DIR, "guardBench.js");
}

async function measure(entry: string, mode: Mode, model: string, storage: string): Promise<ChildResult> {
    const {stdout} = await run(process.execPath, [entry, "--child", mode, "--model", model, "--storage", storage,
        "--threads", values.threads!], {maxBuffer: 1 << 20});
    const lines = stdout.trim().split("\n");
    return JSON.parse(lines[lines.length - 1]!) as ChildResult;
}

/** A first load with the probe started ahead, in a verdict cache of its own (so the file is unseen). */
async function primedLoad(entry: string, model: string): Promise<number> {
    const storage = await mkdtemp(join(tmpdir(), "qp-bench-guard-"));
    try {
        return (await measure(entry, "primed", model, storage)).loadMs;
    } finally {
        await rm(storage, {recursive: true, force: true});
    }
}

async function main(): Promise<void> {
    const model = values.file ?? await generatedModel(values.preset!, values.type!);
    const entry = await bundle();
    const reps = Number(values.reps);
    const plain: number[] = [];
    const first: number[] = [];
    const primed: number[] = [];
    const known: number[] = [];
    const guardKnown: number[] = [];
    await measure(entry, "plain", model, tmpdir()); // the page cache is warm for every mode alike
    for (let i = 0; i < reps; i++) {
        const storage = await mkdtemp(join(tmpdir(), "qp-bench-guard-"));
        try {
            plain.push((await measure(entry, "plain", model, storage)).loadMs);
            first.push((await measure(entry, "first", model, storage)).loadMs);
            primed.push(await primedLoad(entry, model));
            const again = await measure(entry, "known", model, storage);
            known.push(again.loadMs);
            guardKnown.push(again.guardMs ?? Number.NaN);
        } finally {
            await rm(storage, {recursive: true, force: true});
        }
        if (!values.json)
            console.log(`rep ${i + 1}: plain ${plain[i]!.toFixed(0)} ms, first ${first[i]!.toFixed(0)} ms, primed ${primed[i]!.toFixed(0)} ms, known ${known[i]!.toFixed(0)} ms (guard ${guardKnown[i]!.toFixed(1)} ms)`);
    }
    const result = {
        bench: "guard",
        model: values.file != null ? basename(values.file) : `${values.preset} ${values.type}`,
        reps,
        threads: Number(values.threads),
        plainLoadMsMedian: round(median(plain)),
        firstLoadMsMedian: round(median(first)),
        primedLoadMsMedian: round(median(primed)),
        knownLoadMsMedian: round(median(known)),
        firstOverPlain: Number((median(first) / median(plain)).toFixed(2)),
        primedOverPlain: Number((median(primed) / median(plain)).toFixed(2)),
        knownOverPlain: Number((median(known) / median(plain)).toFixed(2)),
        guardOnKnownFileMsMedian: Number(median(guardKnown).toFixed(1)),
        machine: `${cpus().length} x ${cpus()[0]?.model ?? "unknown CPU"}`,
        date: new Date().toISOString().slice(0, 10)
    };
    console.log(JSON.stringify(result));
}

function generatedModel(preset: string, type: string): Promise<string> {
    if (!isGeneratedModelPreset(preset))
        throw new Error(`unknown preset ${preset}`);
    return quantizedTestModel(preset, type);
}

function round(ms: number): number {
    return Math.round(ms);
}

if (values.child != null) {
    childMain(values.child as Mode, values.model!, values.storage!, Number(values.threads)).then(
        (result) => console.log(JSON.stringify(result)),
        (err: unknown) => {
            console.error(err);
            process.exitCode = 1;
        });
} else {
    main().catch((err: unknown) => {
        console.error(err);
        process.exitCode = 1;
    });
}
