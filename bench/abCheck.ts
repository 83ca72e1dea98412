/**
 * A/B agreement check: QuantPilot's `ab` numbers against llama.cpp's own tools on the same
 * model pair, text, window and threads.
 *
 *   npm run bench:abCheck -- [--preset small] [--reference f32|f16] [--types Q8_0,Q4_K_M,Q2_K]
 *                            [--window 512] [--threads 1] [--reps 3] [--no-speed] [--json]
 *
 * Quality: `llama-perplexity --kl-divergence-base` on the reference, then `--kl-divergence` on
 * each candidate (both with -c = --window, -b = --window, -t = --threads), on the built-in corpus
 * written to one file. Targets: mean KLD within 2 % relative, same-top-1 within 0.5 points, PPL
 * of reference and candidate within 1 %. The reference PPL is taken from the base run: in
 * --kl-divergence mode llama-perplexity recomputes it from log-probabilities clipped 16 nats
 * below the maximum, which is not the model's perplexity when tokens are very unlikely.
 * Speed: `llama-bench -p 0 -n 128 -t THREADS -r REPS` (tg128) against QuantPilot's tg128 median;
 * target within 10 %. Both sides run in this process's machine, one after the other.
 * `--tg-model PATH` (repeatable) adds the same tg comparison for other files, e.g. a real-size
 * model, where per-token overhead no longer dominates as it does for the tiny test models.
 * `-nr` (no weight repacking) is passed to llama-perplexity because its native build's AMX kernel
 * crashes on Q8_0 batches on some virtual machines; repacking changes memory layout, not the math.
 */
import {execFile} from "node:child_process";
import {existsSync} from "node:fs";
import {mkdir, mkdtemp, rm, writeFile} from "node:fs/promises";
import {cpus, tmpdir} from "node:os";
import {join} from "node:path";
import {parseArgs, promisify} from "node:util";
import {AB_CORPUS, CORPUS_SEPARATOR} from "../src/ab/corpus/abCorpus";
import {LlamaRuntime} from "../src/engine/llamaRuntime";
import {runAb} from "../src/ab/runner/abRun";
import type {GeneratedModelPreset} from "../src/gguf/generatedModelPresets";
import {quantizeModel} from "../src/quant/quantize";
import {silentLogger} from "../src/util/logger";
import {CACHE_DIR, REPO_ROOT} from "../test/helpers/paths";
import {testModel} from "../test/helpers/testModels";

const run = promisify(execFile);

const {values} = parseArgs({
    options: {
        preset: {type: "string", default: "small"},
        reference: {type: "string", default: "f32"},
        types: {type: "string", default: "Q8_0,Q4_K_M,Q2_K"},
        window: {type: "string", default: "512"},
        threads: {type: "string", default: "1"},
        reps: {type: "string", default: "3"},
        "no-speed": {type: "boolean", default: false},
        "tg-model": {type: "string", multiple: true},
        json: {type: "boolean", default: false}
    }
});
const window = Number(values.window);
const threads = Number(values.threads);
const reps = Number(values.reps);

interface LlamaQuality {
    readonly kld: number;
    readonly sameTop1: number;
    readonly ppl: number;
}

async function tools(): Promise<string> {
    const {stdout} = await run(join(REPO_ROOT, "scripts", "build-llama-tools.sh"), ["llama-perplexity", "llama-bench", "llama-quantize"], {maxBuffer: 64 << 20});
    return stdout.trim().split("\n").pop()!;
}

async function variant(bin: string, input: string, type: string): Promise<string> {
    const dir = join(CACHE_DIR, "test-models", "ab-variants");
    await mkdir(dir, {recursive: true});
    const out = join(dir, `${input.split("/").pop()!.replace(/\.gguf$/, "")}-${type}.gguf`);
    if (!existsSync(out)) {
        try {
            await quantizeModel({inputPath: input, outputPath: out, type, threads: 1});
        } catch {
            await run(join(bin, "llama-quantize"), [input, out, type, "1"]);
        }
    }
    return out;
}

function number(output: string, pattern: RegExp, what: string): number {
    const match = pattern.exec(output);
    if (match == null)
        throw new Error(`llama-perplexity printed no ${what}:\n${output.slice(-2000)}`);
    return Number(match[1]);
}

async function perplexity(bin: string, args: string[]): Promise<string> {
    const common = ["-c", String(window), "-b", String(window), "-t", String(threads), "-nr"];
    const {stdout, stderr} = await run(join(bin, "llama-perplexity"), [...args, ...common], {maxBuffer: 256 << 20});
    return stdout + stderr;
}

async function llamaQuality(bin: string, reference: string, candidates: string[], textFile: string, dir: string) {
    const base = join(dir, "base.kld");
    const baseRun = await perplexity(bin, ["-m", reference, "-f", textFile, "--kl-divergence-base", base]);
    const referencePpl = number(baseRun, /Final estimate: PPL = ([\d.]+)/, "final PPL");
    const chunks = number(baseRun, /over (\d+) chunks/, "chunk count");
    const results: LlamaQuality[] = [];
    for (const candidate of candidates) {
        let out = await perplexity(bin, ["-m", candidate, "--kl-divergence-base", base, "--kl-divergence"]);
        // llama.cpp's logger prints from a worker thread and now and then loses the final
        // statistics at exit on a busy machine; one more run prints them.
        if (!/Mean\s+KLD:/.test(out))
            out = await perplexity(bin, ["-m", candidate, "--kl-divergence-base", base, "--kl-divergence"]);
        results.push({
            kld: number(out, /Mean\s+KLD:\s+([-\d.]+)/, "mean KLD"),
            sameTop1: number(out, /Same top p:\s+([\d.]+)/, "same top p") / 100,
            ppl: number(out, /Mean PPL\(Q\)\s+:\s+([\d.]+)/, "PPL(Q)")
        });
    }
    return {referencePpl, chunks, results};
}

async function llamaBenchTg(bin: string, model: string): Promise<number> {
    const {stdout} = await run(join(bin, "llama-bench"), ["-m", model, "-p", "0", "-n", "128", "-t", String(threads), "-r", String(reps), "-o", "json"], {maxBuffer: 16 << 20});
    return (JSON.parse(stdout) as Array<{avg_ts: number}>)[0]!.avg_ts;
}

const relative = (ours: number, theirs: number) => Math.abs(ours - theirs) / Math.abs(theirs);

async function main(): Promise<void> {
    const bin = await tools();
    const reference = await testModel(values.preset as GeneratedModelPreset, 1, values.reference as "f32" | "f16");
    const types = values.types.split(",");
    const candidates: string[] = [];
    for (const type of types)
        candidates.push(await variant(bin, reference, type));
    const dir = await mkdtemp(join(tmpdir(), "qp-abcheck-"));
    const textFile = join(dir, "corpus.txt");
    await writeFile(textFile, AB_CORPUS.map((d) => d.text).join(CORPUS_SEPARATOR));
    const llama = await llamaQuality(bin, reference, candidates, textFile, dir);
    const runtime = new LlamaRuntime(silentLogger);
    const ours = await runAb({
        referencePath: reference, candidatePaths: candidates, runtime, gpu: "cpu", threads, window,
        metrics: values["no-speed"] ? ["quality"] : ["quality", "speed"], speedRepetitions: reps, cacheDir: null
    });
    await runtime.dispose();
    const rows = [];
    const extraTg: Array<{model: string; quantpilot: number; llama: number; ratio: number; ok: boolean}> = [];
    for (const [i, type] of types.entries()) {
        const q = ours.candidates[i]!.quality!;
        const l = llama.results[i]!;
        const tgOurs = ours.candidates[i]!.speed?.tgTokensPerSecond.median;
        const tgLlama = values["no-speed"] ? undefined : await llamaBenchTg(bin, candidates[i]!);
        rows.push({
            type,
            windows: {quantpilot: q.windows, llama: llama.chunks},
            kld: {quantpilot: q.kld.mean, llama: l.kld, relative: relative(q.kld.mean, l.kld), ok: relative(q.kld.mean, l.kld) <= 0.02},
            sameTop1: {quantpilot: q.sameTop1.rate, llama: l.sameTop1, points: 100 * Math.abs(q.sameTop1.rate - l.sameTop1),
                ok: 100 * Math.abs(q.sameTop1.rate - l.sameTop1) <= 0.5},
            pplCandidate: {quantpilot: q.ppl.candidate, llama: l.ppl, relative: relative(q.ppl.candidate, l.ppl), ok: relative(q.ppl.candidate, l.ppl) <= 0.01},
            pplReference: {quantpilot: q.ppl.reference, llama: llama.referencePpl, relative: relative(q.ppl.reference, llama.referencePpl),
                ok: relative(q.ppl.reference, llama.referencePpl) <= 0.01},
            tg: tgOurs == null || tgLlama == null ? null : {quantpilot: tgOurs, llama: tgLlama, ratio: tgOurs / tgLlama, ok: Math.abs(tgOurs / tgLlama - 1) <= 0.1}
        });
    }
    for (const path of values["tg-model"] ?? []) {
        const runtime = new LlamaRuntime(silentLogger);
        const speed = await runAb({referencePath: path, candidatePaths: [path], runtime, gpu: "cpu", threads, metrics: ["speed"], speedRepetitions: reps, completionContextSize: 64, cacheDir: null});
        await runtime.dispose();
        const ours = speed.reference.speed!.tgTokensPerSecond.median;
        const theirs = await llamaBenchTg(bin, path);
        extraTg.push({model: path.split("/").pop()!, quantpilot: ours, llama: theirs, ratio: ours / theirs, ok: Math.abs(ours / theirs - 1) <= 0.1});
    }
    await rm(dir, {recursive: true});
    const pass = rows.every((r) => r.kld.ok && r.sameTop1.ok && r.pplCandidate.ok && r.pplReference.ok);
    const result = {machine: `${cpus()[0]?.model.trim()} (${cpus().length} cores)`, date: new Date().toISOString().slice(0, 10),
        preset: values.preset, reference: values.reference, window, threads, qualityAgrees: pass, rows, extraTg};
    for (const r of rows)
        console.log(`${r.type.padEnd(7)} KLD ${r.kld.quantpilot.toFixed(6)} vs ${r.kld.llama.toFixed(6)} (${(100 * r.kld.relative).toFixed(2)} %) ` +
            `top1 ${(100 * r.sameTop1.quantpilot).toFixed(3)} vs ${(100 * r.sameTop1.llama).toFixed(3)} (${r.sameTop1.points.toFixed(3)} pts) ` +
            `PPL ${r.pplCandidate.quantpilot.toPrecision(8)} vs ${r.pplCandidate.llama.toPrecision(8)} (${(100 * r.pplCandidate.relative).toFixed(3)} %) ` +
            `refPPL ${(100 * r.pplReference.relative).toFixed(4)} % ` +
            (r.tg == null ? "" : `tg ${r.tg.quantpilot.toFixed(1)} vs ${r.tg.llama.toFixed(1)} (ratio ${r.tg.ratio.toFixed(3)})`));
    for (const t of extraTg)
        console.log(`${t.model}: tg ${t.quantpilot.toFixed(1)} vs llama-bench ${t.llama.toFixed(1)} (ratio ${t.ratio.toFixed(3)})`);
    console.log(pass ? "quality agrees with llama-perplexity" : "QUALITY DISAGREES with llama-perplexity");
    if (values.json)
        console.log(JSON.stringify(result));
    process.exitCode = pass ? 0 : 1;
}

main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
});
