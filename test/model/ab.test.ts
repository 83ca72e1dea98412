import {test} from "node:test";
import assert from "node:assert/strict";
import {execFile} from "node:child_process";
import {existsSync} from "node:fs";
import {mkdir, mkdtemp, readdir, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {promisify} from "node:util";
import {proseSourdough} from "../../src/ab/corpus/texts/proseSourdough";
import {pythonInventory} from "../../src/ab/corpus/texts/pythonInventory";
import {runAb, type AbRunOptions} from "../../src/ab/runner/abRun";
import {NotEnoughTextError, VocabularyMismatchError} from "../../src/ab/runner/abErrors";
import type {TextSource} from "../../src/ab/corpus/textSources";
import {quantizeModel} from "../../src/quant/quantize";
import {isAbortError} from "../../src/util/abort";
import {lastJsonLine, runCli} from "../helpers/cli";
import {testRuntime} from "../helpers/engine";
import {CACHE_DIR, REPO_ROOT} from "../helpers/paths";
import {testModel} from "../helpers/testModels";

const run = promisify(execFile);

/**
 * A quantized variant of a generated model, made once into the ignored cache. The one place
 * that decides how: QuantPilot's own quantizer (src/quant/quantize.ts), or, if that fails,
 * llama.cpp's reference llama-quantize of the same release.
 */
async function quantizedVariant(input: string, type: string): Promise<string> {
    const dir = join(CACHE_DIR, "test-models", "ab-variants");
    await mkdir(dir, {recursive: true});
    const out = join(dir, `${input.split("/").pop()!.replace(/\.gguf$/, "")}-${type}.gguf`);
    if (existsSync(out))
        return out;
    try {
        await quantizeModel({inputPath: input, outputPath: out, type, threads: 1});
    } catch {
        const {stdout} = await run(join(REPO_ROOT, "scripts", "build-llama-tools.sh"), ["llama-quantize"], {maxBuffer: 16 << 20});
        await run(join(stdout.trim().split("\n").pop()!, "llama-quantize"), [input, out, type, "1"]);
    }
    return out;
}

const TEXTS: TextSource[] = [
    {name: pythonInventory.name, text: pythonInventory.text, kind: "code"},
    {name: proseSourdough.name, text: proseSourdough.text, kind: "prose"}
];

function options(referencePath: string, candidatePaths: string[], extra: Partial<AbRunOptions> = {}): AbRunOptions {
    return {referencePath, candidatePaths, runtime: testRuntime(), gpu: "cpu", threads: 1, texts: TEXTS, builtInCorpus: false,
        window: 256, metrics: ["quality"], cacheDir: null, ...extra};
}

test("a model compared with itself has KLD 0, the same top token everywhere and equal perplexity", async () => {
    const model = await testModel("small");
    const report = await runAb(options(model, [model]));
    const q = report.candidates[0]!.quality!;
    assert.ok(q.windows >= 10, `${q.windows} windows`);
    assert.equal(q.tokensScored, q.windows * (256 - 1 - 128));
    assert.equal(q.kld.mean, 0);
    assert.equal(q.kld.p99, 0);
    assert.deepEqual(q.kld.ci95, [0, 0]);
    assert.equal(q.sameTop1.rate, 1);
    assert.equal(q.ppl.lnRatio, 0);
    assert.equal(q.ppl.reference, q.ppl.candidate);
    assert.deepEqual(q.kldMethod, {kind: "exact"});
    assert.match(report.candidates[0]!.verdict, /KLD 0 \[0, 0\], same top token 100\.0 %/);
});

test("F16, Q8_0 and Q2_K of an F32 model drift further from it in that order", async () => {
    const f32 = await testModel("small", 1, "f32");
    const variants = [await quantizedVariant(f32, "F16"), await quantizedVariant(f32, "Q8_0"), await quantizedVariant(f32, "Q2_K")];
    const report = await runAb(options(f32, variants));
    const [f16, q8, q2] = report.candidates.map((c) => c.quality!);
    assert.ok(f16!.kld.mean > 0, "F16 rounding is measurable");
    assert.ok(f16!.kld.mean < q8!.kld.mean, `F16 ${f16!.kld.mean} < Q8_0 ${q8!.kld.mean}`);
    assert.ok(q8!.kld.mean < q2!.kld.mean, `Q8_0 ${q8!.kld.mean} < Q2_K ${q2!.kld.mean}`);
    // The intervals separate too, not only the point estimates.
    assert.ok(q8!.kld.ci95[1] < q2!.kld.ci95[0], "Q8_0 and Q2_K intervals do not overlap");
    assert.ok(f16!.sameTop1.rate >= q8!.sameTop1.rate && q8!.sameTop1.rate > q2!.sameTop1.rate);
    for (const q of [f16!, q8!, q2!]) {
        assert.ok(q.kld.ci95[0] <= q.kld.mean && q.kld.mean <= q.kld.ci95[1], "the mean lies in its interval");
        assert.ok(q.sameTop1.rate >= 0 && q.sameTop1.rate <= 1);
    }
    assert.deepEqual(report.candidates.map((c) => c.model.fileType), ["F16", "Q8_0", "Q2_K"]);
});

test("the scoring process and the in-process fallback give the same numbers, and the report says which scored", async () => {
    const f32 = await testModel("small", 1, "f32");
    const q8 = await quantizedVariant(f32, "Q8_0");
    const child = await runAb(options(f32, [q8]));
    const inProcess = await runAb(options(f32, [q8], {scoring: "in-process"}));
    const [a, b] = [child.candidates[0]!.quality!, inProcess.candidates[0]!.quality!];
    assert.equal(a.tokensScored, b.tokensScored);
    assert.ok(Math.abs(a.kld.mean - b.kld.mean) <= 1e-5 * b.kld.mean, `KLD ${a.kld.mean} vs ${b.kld.mean}`);
    assert.equal(a.sameTop1.rate, b.sameTop1.rate);
    assert.ok(Math.abs(a.ppl.candidate / b.ppl.candidate - 1) < 1e-5);
    assert.ok(child.notes.some((n) => /raw logits from libllama in a child process/.test(n)), child.notes.join("\n"));
    assert.ok(inProcess.notes.some((n) => /node-llama-cpp's probabilities in this process/.test(n)), inProcess.notes.join("\n"));
    assert.ok(child.reference.memory!.weightsBytes > 0, "the child reports what the model holds");
});

/** llama.cpp's llama-perplexity of the bundled release, or undefined when it cannot be built here. */
async function llamaPerplexity(): Promise<string | undefined> {
    try {
        const {stdout} = await run(join(REPO_ROOT, "scripts", "build-llama-tools.sh"), ["llama-perplexity"], {maxBuffer: 16 << 20});
        return join(stdout.trim().split("\n").pop()!, "llama-perplexity");
    } catch {
        return undefined;
    }
}

test("given texts replace the built-in corpus: the same tokens as llama-perplexity scores on the same file", async (t) => {
    const bin = await llamaPerplexity();
    if (bin == null)
        return t.skip("llama-perplexity could not be built (scripts/build-llama-tools.sh needs git, cmake and a C++ compiler)");
    const model = await testModel("small");
    const dir = await mkdtemp(join(tmpdir(), "qp-ab-same-tokens-"));
    const file = join(dir, "inventory.py");
    await writeFile(file, `${pythonInventory.text}\n`);
    const ours = await runCli(["ab", model, model, "--text", file, "--window", "128", "--metrics", "quality", "--threads", "1", "--no-cache", "--json"]);
    assert.equal(ours.code, 0, ours.stderr);
    const json = lastJsonLine<{candidates: Array<{tokensScored: number; windows: number; ppl: {reference: number}}>; texts: string[]}>(ours);
    const {stdout, stderr} = await run(bin, ["-m", model, "-f", file, "-c", "128", "-b", "128", "-t", "1"], {maxBuffer: 64 << 20});
    const chunks = Number(/over (\d+) chunks/.exec(stdout + stderr)?.[1]);
    const ppl = Number(/Final estimate: PPL = ([\d.]+)/.exec(stdout + stderr)?.[1]);
    assert.deepEqual(json.texts, ["inventory.py"], "the built-in corpus was not added");
    assert.equal(json.candidates[0]!.windows, chunks);
    assert.equal(json.candidates[0]!.tokensScored, chunks * (128 - 1 - 64), "scored tokens: llama-perplexity's chunks × (c − 1 − c/2)");
    assert.ok(Math.abs(json.candidates[0]!.ppl.reference / ppl - 1) < 0.001, `the same tokens give the same perplexity: ${json.candidates[0]!.ppl.reference} vs ${ppl}`);
    assert.match(ours.stderr, /left\)/, "progress says how long is left");
    await rm(dir, {recursive: true});
});

test("models with different vocabularies are refused before anything is loaded", async () => {
    const qwen = await testModel("tiny");
    const llama = await testModel("llama-spm");
    await assert.rejects(runAb(options(qwen, [llama])), (err: unknown) => {
        assert.ok(err instanceof VocabularyMismatchError);
        assert.match(err.message, /tokenizer|tokens in its vocabulary/);
        assert.match(err.message, /same base model/);
        return true;
    });
});

test("too little text says how many tokens a window needs", async () => {
    const model = await testModel("small");
    await assert.rejects(runAb(options(model, [model], {texts: [{name: "tiny.txt", text: "def f():\n    pass\n", kind: "code"}]})),
        (err: unknown) => err instanceof NotEnoughTextError && /needs 256 tokens/.test(err.message) && err.tokens < 256);
    await assert.rejects(runAb(options(model, [model], {texts: []})), NotEnoughTextError);
});

test("cancelling midway rejects with an AbortError and returns no partial report", async () => {
    const model = await testModel("small");
    const controller = new AbortController();
    let windowsSeen = 0;
    await assert.rejects(runAb(options(model, [model], {
        signal: controller.signal,
        onProgress: ({message}) => {
            if (/window/.test(message) && ++windowsSeen === 3)
                controller.abort();
        }
    })), (err: unknown) => isAbortError(err));
    assert.equal(windowsSeen, 3, "no progress after the cancel");
});

test("the reference is cached: adding a candidate does not evaluate or even load it again", async () => {
    const f32 = await testModel("small", 1, "f32");
    const q8 = await quantizedVariant(f32, "Q8_0");
    const cacheDir = await mkdtemp(join(tmpdir(), "qp-ab-cache-"));
    const first = await runAb(options(f32, [q8], {cacheDir}));
    assert.equal(first.reference.cachedWindows, 0);
    assert.ok(first.reference.memory != null, "the reference was loaded the first time");
    const second = await runAb(options(f32, [q8, await quantizedVariant(f32, "Q2_K")], {cacheDir}));
    assert.equal(second.reference.cachedWindows, first.candidates[0]!.quality!.windows);
    assert.equal(second.reference.memory, null, "the reference was never loaded");
    assert.deepEqual(second.candidates[0]!.quality, first.candidates[0]!.quality, "cached and fresh reference give the same numbers");
    // A damaged cache file is a miss, not an error.
    const [keyDir] = await readdir(cacheDir);
    const [windowFile] = (await readdir(join(cacheDir, keyDir!))).filter((n) => n.endsWith(".bin"));
    await writeFile(join(cacheDir, keyDir!, windowFile!), "not a window");
    const third = await runAb(options(f32, [q8], {cacheDir}));
    assert.equal(third.reference.cachedWindows, first.candidates[0]!.quality!.windows - 1);
    assert.deepEqual(third.candidates[0]!.quality, first.candidates[0]!.quality);
    await rm(cacheDir, {recursive: true});
});

test("tasks are paired item by item: FIM lines, safety prompts and the assistant's function-calling cases", async () => {
    const model = await testModel("small");
    const report = await runAb(options(model, [model], {metrics: ["tasks"], fimItems: 12, safetyPrompts: 10, functionCallingCases: 4}));
    const tasks = report.candidates[0]!.tasks!;
    assert.equal(tasks.fim!.n, 12);
    assert.deepEqual(tasks.fim!.exactMatch.flips, {rightToWrong: 0, wrongToRight: 0});
    assert.equal(tasks.fim!.exactMatch.conclusion, "inconclusive");
    assert.equal(tasks.fim!.editSimilarity.difference, 0);
    assert.equal(tasks.safety!.n, 10);
    assert.equal(tasks.safety!.flips, 0);
    assert.equal(tasks.safety!.shouldRefuse.n, 5, "harmful and benign prompts alternate");
    assert.equal(tasks.functionCalling.status, "measured");
    if (tasks.functionCalling.status === "measured") {
        assert.equal(tasks.functionCalling.accuracy.n, 4);
        assert.deepEqual(tasks.functionCalling.accuracy.flips, {rightToWrong: 0, wrongToRight: 0}, "a model agrees with itself");
    }
    const spm = await testModel("llama-spm");
    const noTools = await runAb(options(spm, [spm], {metrics: ["tasks"], fimItems: 4, safetyPrompts: 2, functionCallingCases: 2, window: 64}));
    assert.equal(noTools.candidates[0]!.tasks!.fim, null, "no FIM tokens: no FIM task");
    assert.equal(noTools.candidates[0]!.tasks!.functionCalling.status, "not available");
    assert.ok(noTools.notes.some((n) => /FIM skipped/.test(n)));
    assert.equal(report.candidates[0]!.quality, null, "quality was not asked for");
    assert.match(report.candidates[0]!.verdict, /FIM exact match unchanged \(inconclusive, n=12\)/);
});

test("speed runs interleave when the models fit, and one at a time, said so, when they do not", async () => {
    const model = await testModel("small");
    const q8 = await quantizedVariant(await testModel("small", 1, "f32"), "Q8_0");
    const together = await runAb(options(model, [q8], {metrics: ["speed"], completionContextSize: 128}));
    const speed = together.candidates[0]!.speed!;
    assert.equal(speed.interleaved, true);
    assert.equal(speed.tgTokensPerSecond.n, 3);
    assert.ok(speed.tgTokensPerSecond.min <= speed.tgTokensPerSecond.median && speed.tgTokensPerSecond.median <= speed.tgTokensPerSecond.max);
    assert.ok(speed.ppTokensPerSecond.median > 0 && speed.ttftMs.median > 0);
    assert.equal(speed.promptTokens, 128);
    assert.equal(speed.generatedTokens, 128);
    assert.ok(together.reference.memory!.weightsBytes > together.candidates[0]!.memory!.weightsBytes, "Q8_0 holds fewer bytes of weights");
    assert.ok(together.candidates[0]!.energy != null);
    const alone = await runAb(options(model, [q8], {metrics: ["speed"], completionContextSize: 128, freeMemory: () => 16 * 1024 * 1024}));
    assert.equal(alone.candidates[0]!.speed!.interleaved, false);
    assert.ok(alone.notes.some((n) => /do not fit in RAM together/.test(n)), alone.notes.join("\n"));
});

test("quantpilot ab --json prints the result object last; bad input gets a clear message and exit code", async () => {
    const model = await testModel("small");
    const dir = await mkdtemp(join(tmpdir(), "qp-ab-cli-"));
    const text = join(dir, "inventory.py");
    await writeFile(text, pythonInventory.text);
    const binary = join(dir, "blob.bin");
    await writeFile(binary, Buffer.from([1, 2, 0, 3]));
    const ok = await runCli(["ab", model, model, "--no-corpus", "--text", text, "--text", binary, "--window", "128",
        "--metrics", "quality", "--threads", "1", "--no-cache", "--json"]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /Skipped .*blob\.bin: it looks binary/);
    const json = lastJsonLine<{reference: {model: string; sizeBytes: number}; candidates: Array<{kld: {mean: number; ci95: number[]}; sameTop1: {rate: number}; tokensScored: number; speed: unknown}>; notes: string[]}>(ok);
    assert.equal(json.reference.model, "small-s1-f16.gguf");
    assert.equal(json.candidates[0]!.kld.mean, 0);
    assert.equal(json.candidates[0]!.sameTop1.rate, 1);
    assert.ok(json.candidates[0]!.tokensScored > 0);
    assert.equal(json.candidates[0]!.speed, null);
    assert.ok(json.notes.some((n) => /blob\.bin/.test(n)), "the skipped file is in the report's notes");

    const tiny = join(dir, "tiny.txt");
    await writeFile(tiny, "hello");
    const short = await runCli(["ab", model, model, "--no-corpus", "--text", tiny, "--metrics", "quality", "--no-cache"]);
    assert.equal(short.code, 1);
    assert.match(short.stderr, /needs 512 tokens/);
    const usage = await runCli(["ab", model]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /at least one candidate/);
    const metrics = await runCli(["ab", model, model, "--metrics", "quality,vibes"]);
    assert.equal(metrics.code, 2);
    assert.match(metrics.stderr, /not "vibes"/);
    await rm(dir, {recursive: true});
});
