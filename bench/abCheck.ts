/**
 * A/B agreement and speed check: `quantpilot ab --metrics quality` against llama.cpp's
 * `llama-perplexity --kl-divergence` on the same model files, the same text file, the same window
 * (-c) and threads, both run as processes one after the other.
 *
 *   npm run bench:abCheck -- [--reference REF.gguf --candidates A.gguf,B.gguf] [--text FILE]
 *                            [--preset coder-0.5b] [--types Q8_0,Q4_K_M,Q2_K] [--window 512]
 *                            [--threads 1] [--no-repack] [--speed] [--reps 3] [--tg-model PATH]
 *                            [--llama-bin DIR] [--json]
 *
 * Models: --reference and --candidates (paths, e.g. real weights), or by default a generated
 * model of --preset (coder-0.5b: Qwen2.5-Coder-0.5B's shape and its real 151,936-token
 * vocabulary) as the F16 reference and its --types quantized with QuantPilot's quantizer.
 * Text: --text, or by default the first ~9,000 characters of the built-in A/B corpus.
 *
 * Agreement targets: mean KLD within 2 % relative, same-top-1 within 0.5 points, PPL of reference
 * and candidate within 1 %, and the same number of scored tokens. The reference PPL is taken from
 * the base run: in --kl-divergence mode llama-perplexity recomputes it from log-probabilities
 * clipped 16 nats below the maximum, which is not the model's perplexity when tokens are very
 * unlikely.
 * Speed target: QuantPilot's time per scored token at most 2x llama-perplexity's. Each side's time
 * is the whole of its processes (loading, tokenizing, evaluating, scoring): wall clock, and CPU
 * time (user + system, from /usr/bin/time where it exists), which a busy shared machine disturbs
 * less. Divided by scored tokens x models (the reference counts as one model).
 * Both tools repack weights for the CPU as llama.cpp does by default; `--no-repack` passes -nr to
 * llama-perplexity for builds whose repacked kernels crash (QuantPilot keeps repacking).
 * llama.cpp's tools come from scripts/build-llama-tools.sh (built from the llama.cpp source inside
 * node-llama-cpp), or from `--llama-bin DIR` (a folder holding llama-perplexity of that release).
 * `--speed` adds the older decode check: `llama-bench -p 0 -n 128` (tg128) against QuantPilot's
 * tg128 median on each candidate, and on each `--tg-model`.
 */
import {execFile} from "node:child_process";
import {existsSync} from "node:fs";
import {mkdtemp, readFile, rm, writeFile} from "node:fs/promises";
import {cpus, tmpdir} from "node:os";
import {basename, join, resolve} from "node:path";
import {parseArgs, promisify} from "node:util";
import {AB_CORPUS, CORPUS_SEPARATOR} from "../src/ab/corpus/abCorpus";
import {LlamaRuntime} from "../src/engine/llamaRuntime";
import {runAb} from "../src/ab/runner/abRun";
import type {GeneratedModelPreset} from "../src/gguf/generatedModelPresets";
import {silentLogger} from "../src/util/logger";
import {REPO_ROOT} from "../test/helpers/paths";
import {quantizedTestModel, testModel} from "../test/helpers/testModels";

const run = promisify(execFile);

const {values} = parseArgs({
    options: {
        reference: {type: "string"},
        candidates: {type: "string"},
        text: {type: "string"},
        preset: {type: "string", default: "coder-0.5b"},
        types: {type: "string", default: "Q8_0,Q4_K_M,Q2_K"},
        window: {type: "string", default: "512"},
        threads: {type: "string", default: "1"},
        "no-repack": {type: "boolean", default: false},
        speed: {type: "boolean", default: false},
        reps: {type: "string", default: "3"},
        "tg-model": {type: "string", multiple: true},
        "llama-bin": {type: "string"},
        json: {type: "boolean", default: false}
    }
});
const window = Number(values.window);
const threads = Number(values.threads);
const reps = Number(values.reps);
const DEFAULT_TEXT_CHARS = 9000;
const TIME = "/usr/bin/time";

interface Timed {
    readonly output: string;
    readonly wallSeconds: number;
    /** User + system CPU seconds of the process and its children; null without /usr/bin/time. */
    readonly cpuSeconds: number | null;
}

/** Runs a program to completion, timing it from outside (so both tools are measured alike). */
async function timed(file: string, args: string[], maxBuffer = 256 << 20): Promise<Timed> {
    const dir = await mkdtemp(join(tmpdir(), "qp-abcheck-time-"));
    const timesFile = join(dir, "times");
    const useTime = existsSync(TIME) && process.platform === "linux";
    const started = performance.now();
    const {stdout, stderr} = useTime
        ? await run(TIME, ["-f", "%U %S", "-o", timesFile, file, ...args], {maxBuffer, cwd: REPO_ROOT})
        : await run(file, args, {maxBuffer, cwd: REPO_ROOT});
    const wallSeconds = (performance.now() - started) / 1000;
    const times = useTime ? (await readFile(timesFile, "utf8")).trim().split("\n").pop()!.split(" ").map(Number) : undefined;
    await rm(dir, {recursive: true});
    return {output: stdout + stderr, wallSeconds, cpuSeconds: times == null ? null : times[0]! + times[1]!};
}

async function tools(): Promise<string> {
    if (values["llama-bin"] != null)
        return resolve(values["llama-bin"]);
    const targets = ["llama-perplexity", ...(values.speed ? ["llama-bench"] : [])];
    const {stdout} = await run(join(REPO_ROOT, "scripts", "build-llama-tools.sh"), targets, {maxBuffer: 64 << 20});
    return stdout.trim().split("\n").pop()!;
}

async function models(): Promise<{reference: string; candidates: string[]; names: string[]}> {
    if (values.reference != null || values.candidates != null) {
        if (values.reference == null || values.candidates == null)
            throw new Error("--reference and --candidates go together");
        const candidates = values.candidates.split(",").map((p) => resolve(p.trim()));
        return {reference: resolve(values.reference), candidates, names: candidates.map((c) => basename(c))};
    }
    const preset = values.preset as GeneratedModelPreset;
    const types = values.types.split(",");
    const candidates: string[] = [];
    for (const type of types)
        candidates.push(await quantizedTestModel(preset, type));
    return {reference: await testModel(preset), candidates, names: types};
}

/** The first ~9,000 characters of the built-in corpus, cut at a line end: the size of the text in the held-out check of the issue. */
function defaultText(): string {
    const corpus = AB_CORPUS.map((d) => d.text).join(CORPUS_SEPARATOR);
    return corpus.slice(0, corpus.lastIndexOf("\n", DEFAULT_TEXT_CHARS) + 1);
}

function number(output: string, pattern: RegExp, what: string): number {
    const match = pattern.exec(output);
    if (match == null)
        throw new Error(`llama-perplexity printed no ${what}:\n${output.slice(-2000)}`);
    return Number(match[1]);
}

async function perplexity(bin: string, args: string[]): Promise<Timed> {
    const common = ["-c", String(window), "-b", String(window), "-t", String(threads), ...(values["no-repack"] ? ["-nr"] : [])];
    return timed(join(bin, "llama-perplexity"), [...args, ...common]);
}

interface LlamaQuality {
    readonly kld: number;
    readonly sameTop1: number;
    readonly ppl: number;
}

async function llamaPerplexity(bin: string, reference: string, candidates: string[], textFile: string, dir: string) {
    const base = join(dir, "base.kld");
    const baseRun = await perplexity(bin, ["-m", reference, "-f", textFile, "--kl-divergence-base", base]);
    const runs = [baseRun];
    const results: LlamaQuality[] = [];
    for (const candidate of candidates) {
        let out = await perplexity(bin, ["-m", candidate, "--kl-divergence-base", base, "--kl-divergence"]);
        // llama.cpp's logger prints from a worker thread and now and then loses the final
        // statistics at exit on a busy machine; one more run prints them (and is the one timed).
        if (!/Mean\s+KLD:/.test(out.output))
            out = await perplexity(bin, ["-m", candidate, "--kl-divergence-base", base, "--kl-divergence"]);
        runs.push(out);
        results.push({
            kld: number(out.output, /Mean\s+KLD:\s+([-\d.]+)/, "mean KLD"),
            sameTop1: number(out.output, /Same top p:\s+([\d.]+)/, "same top p") / 100,
            ppl: number(out.output, /Mean PPL\(Q\)\s+:\s+([\d.]+)/, "PPL(Q)")
        });
    }
    const chunks = number(baseRun.output, /over (\d+) chunks/, "chunk count");
    return {
        referencePpl: number(baseRun.output, /Final estimate: PPL = ([\d.]+)/, "final PPL"),
        chunks, tokensScored: chunks * (window - 1 - Math.floor(window / 2)), results, time: total(runs)
    };
}

interface QuantPilotCandidate {
    readonly kld: {readonly mean: number};
    readonly sameTop1: {readonly rate: number};
    readonly ppl: {readonly reference: number; readonly candidate: number};
    readonly tokensScored: number;
    readonly windows: number;
}

async function quantPilot(reference: string, candidates: string[], textFile: string) {
    const cli = ["--import", "tsx", join(REPO_ROOT, "src", "cli", "cli.ts")];
    const out = await timed(process.execPath, [...cli, "ab", reference, ...candidates, "--text", textFile, "--window", String(window),
        "--threads", String(threads), "--metrics", "quality", "--no-cache", "--gpu", "cpu", "--json"]);
    const json = JSON.parse(out.output.split("\n").filter((l) => l.startsWith("{")).pop()!) as {candidates: QuantPilotCandidate[]; notes: string[]};
    return {candidates: json.candidates, notes: json.notes, time: total([out])};
}

function total(runs: readonly Timed[]): {wallSeconds: number; cpuSeconds: number | null} {
    const cpu = runs.map((r) => r.cpuSeconds);
    return {wallSeconds: runs.reduce((s, r) => s + r.wallSeconds, 0), cpuSeconds: cpu.every((c) => c != null) ? cpu.reduce((s, c) => s! + c!, 0) : null};
}

async function llamaBenchTg(bin: string, model: string): Promise<number> {
    const {stdout} = await run(join(bin, "llama-bench"), ["-m", model, "-p", "0", "-n", "128", "-t", String(threads), "-r", String(reps), "-o", "json"], {maxBuffer: 16 << 20});
    return (JSON.parse(stdout) as Array<{avg_ts: number}>)[0]!.avg_ts;
}

async function decodeSpeed(bin: string, paths: readonly string[]) {
    const rows = [];
    for (const path of paths) {
        const runtime = new LlamaRuntime(silentLogger);
        const speed = await runAb({referencePath: path, candidatePaths: [path], runtime, gpu: "cpu", threads, metrics: ["speed"], speedRepetitions: reps, completionContextSize: 64, cacheDir: null});
        await runtime.dispose();
        const ours = speed.reference.speed!.tgTokensPerSecond.median;
        const theirs = await llamaBenchTg(bin, path);
        rows.push({model: basename(path), quantpilot: ours, llama: theirs, ratio: ours / theirs, ok: Math.abs(ours / theirs - 1) <= 0.1});
    }
    return rows;
}

const relative = (ours: number, theirs: number) => Math.abs(ours - theirs) / Math.abs(theirs);
const ms = (seconds: number | null, tokens: number) => seconds == null ? null : 1000 * seconds / tokens;

async function main(): Promise<void> {
    const bin = await tools();
    const {reference, candidates, names} = await models();
    const dir = await mkdtemp(join(tmpdir(), "qp-abcheck-"));
    const textFile = values.text != null ? resolve(values.text) : join(dir, "corpus.txt");
    if (values.text == null)
        await writeFile(textFile, defaultText());
    const llama = await llamaPerplexity(bin, reference, candidates, textFile, dir);
    const ours = await quantPilot(reference, candidates, textFile);
    await rm(dir, {recursive: true});
    const tokens = ours.candidates[0]!.tokensScored;
    const perModel = tokens * (1 + candidates.length);
    const timing = {
        scoredTokensPerModel: {quantpilot: tokens, llama: llama.tokensScored},
        quantpilot: {...ours.time, msPerToken: ms(ours.time.wallSeconds, perModel), cpuMsPerToken: ms(ours.time.cpuSeconds, perModel)},
        llamaPerplexity: {...llama.time, msPerToken: ms(llama.time.wallSeconds, perModel), cpuMsPerToken: ms(llama.time.cpuSeconds, perModel)}
    };
    const ratio = {wall: timing.quantpilot.msPerToken! / timing.llamaPerplexity.msPerToken!,
        cpu: timing.quantpilot.cpuMsPerToken == null || timing.llamaPerplexity.cpuMsPerToken == null ? null : timing.quantpilot.cpuMsPerToken / timing.llamaPerplexity.cpuMsPerToken};
    const rows = names.map((candidate, i) => {
        const q = ours.candidates[i]!;
        const l = llama.results[i]!;
        return {
            candidate,
            tokens: {quantpilot: q.tokensScored, llama: llama.tokensScored, ok: q.tokensScored === llama.tokensScored},
            kld: {quantpilot: q.kld.mean, llama: l.kld, relative: relative(q.kld.mean, l.kld), ok: relative(q.kld.mean, l.kld) <= 0.02},
            sameTop1: {quantpilot: q.sameTop1.rate, llama: l.sameTop1, points: 100 * Math.abs(q.sameTop1.rate - l.sameTop1),
                ok: 100 * Math.abs(q.sameTop1.rate - l.sameTop1) <= 0.5},
            pplCandidate: {quantpilot: q.ppl.candidate, llama: l.ppl, relative: relative(q.ppl.candidate, l.ppl), ok: relative(q.ppl.candidate, l.ppl) <= 0.01},
            pplReference: {quantpilot: q.ppl.reference, llama: llama.referencePpl, relative: relative(q.ppl.reference, llama.referencePpl),
                ok: relative(q.ppl.reference, llama.referencePpl) <= 0.01},
            msPerToken: timing.quantpilot.msPerToken, llamaPerplexityMsPerToken: timing.llamaPerplexity.msPerToken
        };
    });
    const tg = values.speed ? await decodeSpeed(bin, [...candidates, ...(values["tg-model"] ?? [])]) : [];
    const qualityAgrees = rows.every((r) => r.tokens.ok && r.kld.ok && r.sameTop1.ok && r.pplCandidate.ok && r.pplReference.ok);
    const speedOk = ratio.wall <= 2;
    for (const r of rows)
        console.log(`${r.candidate.padEnd(7)} tokens ${r.tokens.quantpilot}/${r.tokens.llama} KLD ${r.kld.quantpilot.toFixed(6)} vs ${r.kld.llama.toFixed(6)} (${(100 * r.kld.relative).toFixed(2)} %) ` +
            `top1 ${(100 * r.sameTop1.quantpilot).toFixed(3)} vs ${(100 * r.sameTop1.llama).toFixed(3)} (${r.sameTop1.points.toFixed(3)} pts) ` +
            `PPL ${r.pplCandidate.quantpilot.toPrecision(8)} vs ${r.pplCandidate.llama.toPrecision(8)} (${(100 * r.pplCandidate.relative).toFixed(3)} %) ` +
            `refPPL ${(100 * r.pplReference.relative).toFixed(4)} %`);
    const fmt = (v: number | null) => v == null ? "n/a" : v.toFixed(2);
    console.log(`time per scored token: QuantPilot ${fmt(timing.quantpilot.msPerToken)} ms (CPU ${fmt(timing.quantpilot.cpuMsPerToken)} ms), ` +
        `llama-perplexity ${fmt(timing.llamaPerplexity.msPerToken)} ms (CPU ${fmt(timing.llamaPerplexity.cpuMsPerToken)} ms); ` +
        `ratio ${fmt(ratio.wall)} wall, ${fmt(ratio.cpu)} CPU`);
    for (const t of tg)
        console.log(`${t.model}: tg ${t.quantpilot.toFixed(1)} vs llama-bench ${t.llama.toFixed(1)} (ratio ${t.ratio.toFixed(3)})`);
    console.log(qualityAgrees ? "quality agrees with llama-perplexity" : "QUALITY DISAGREES with llama-perplexity");
    console.log(speedOk ? "time per token within 2x of llama-perplexity" : "SLOWER than 2x llama-perplexity per token");
    const result = {
        machine: `${cpus()[0]?.model.trim()} (${cpus().length} cores)`, date: new Date().toISOString().slice(0, 10),
        reference: basename(reference), text: values.text != null ? basename(textFile) : `built-in corpus, first ${DEFAULT_TEXT_CHARS} characters`,
        window, threads, repack: !values["no-repack"], qualityAgrees, speedOk, ratio, timing, rows, tg, notes: ours.notes.filter((n) => /^Scored with/.test(n))
    };
    if (values.json)
        console.log(JSON.stringify(result));
    process.exitCode = qualityAgrees && speedOk ? 0 : 1;
}

main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
});
