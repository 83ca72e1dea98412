import {test} from "node:test";
import assert from "node:assert/strict";
import {execFile, spawn} from "node:child_process";
import {mkdtemp, readFile, readdir, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {promisify} from "node:util";
import {quantizeModel} from "../../src/quant/quantize";
import {runQuantizeJob, realEnvironment} from "../../src/quant/quantizeJob";
import {predictQuantizations} from "../../src/quant/predictQuantization";
import {AlreadyQuantizedError, DiskFullError, ImatrixRequiredError, OutputExistsError, QuantizeError} from "../../src/quant/quantizeErrors";
import {readGgufHeader} from "../../src/gguf/ggufReader";
import {isAbortError} from "../../src/util/abort";
import {completer, newTestEngine, TEST_LOAD_OPTIONS} from "../helpers/engine";
import {lastJsonLine, runCli} from "../helpers/cli";
import {REPO_ROOT} from "../helpers/paths";
import {testModel} from "../helpers/testModels";
import {exitsWithin, pollUntil} from "../helpers/processes";

const run = promisify(execFile);

async function scratchDir(): Promise<string> {
    return mkdtemp(join(tmpdir(), "qp-quant-"));
}

/** Everything in `dir` except the files a test put there on purpose. */
async function leftovers(dir: string, expected: readonly string[] = []): Promise<string[]> {
    return (await readdir(dir)).filter((name) => !expected.includes(name));
}

/** llama.cpp's own llama-quantize of the same release, built from node-llama-cpp's source bundle. */
async function referenceQuantizer(): Promise<string | undefined> {
    try {
        const {stdout} = await run(join(REPO_ROOT, "scripts", "build-llama-tools.sh"), ["llama-quantize"], {maxBuffer: 16 << 20});
        return join(stdout.trim().split("\n").pop()!, "llama-quantize");
    } catch {
        return undefined;
    }
}

for (const type of ["Q8_0", "Q4_K_M"]) {
    test(`${type} output is byte-identical to llama-quantize of the same release`, async (t) => {
        const reference = await referenceQuantizer();
        if (reference == null) {
            t.skip("llama-quantize could not be built (scripts/build-llama-tools.sh needs git, cmake and a C++ compiler)");
            return;
        }
        const input = await testModel("small");
        const dir = await scratchDir();
        await run(reference, [input, join(dir, "reference.gguf"), type, "1"]);
        const result = await quantizeModel({inputPath: input, outputPath: join(dir, "ours.gguf"), type, threads: 1});
        const [ours, theirs] = await Promise.all([readFile(join(dir, "ours.gguf")), readFile(join(dir, "reference.gguf"))]);
        assert.equal(ours.length, theirs.length, "same size");
        assert.ok(ours.equals(theirs), "same bytes");
        assert.equal(result.type, type);
        assert.equal(result.outputBytes, ours.length);
        assert.deepEqual(await leftovers(dir), ["ours.gguf", "reference.gguf"].sort());
        await rm(dir, {recursive: true});
    });
}

test("quantizing reports size, bits per weight and steady progress, and the result loads and completes", async () => {
    const input = await testModel("small");
    const dir = await scratchDir();
    const output = join(dir, "small-Q4_K_M.gguf");
    const progress: number[] = [];
    const result = await quantizeModel({inputPath: input, outputPath: output, type: "q4_k", threads: 1, onProgress: (f) => progress.push(f)});
    assert.equal(result.type, "Q4_K_M", "the alias resolves to the canonical name");
    assert.ok(result.bitsPerWeight > 4.5 && result.bitsPerWeight < 5.5, `Q4_K_M is ~4.9 bpw, got ${result.bitsPerWeight}`);
    assert.ok(result.outputBytes < result.inputBytes / 2.5, "F16 to Q4_K_M shrinks the file about 3x");
    assert.ok(progress.length > 10, `progress per tensor, got ${progress.length} updates`);
    assert.ok(progress.every((f, i) => i === 0 || f > progress[i - 1]!), "progress only moves forward");
    assert.equal(progress[progress.length - 1], 1);
    const engine = newTestEngine();
    const model = await engine.load(output, TEST_LOAD_OPTIONS);
    assert.equal(model.fileType, "Q4_K_M");
    const completion = await completer(engine).complete({prefix: "def f(x):\n    return ", suffix: "\n", maxTokens: 4});
    assert.equal(completion.tokens, 4);
    await engine.dispose();
    await rm(dir, {recursive: true});
});

test("the dry run predicts the output size exactly for tensor data", async () => {
    const input = await testModel("small");
    const dir = await scratchDir();
    const [prediction] = await predictQuantizations(input, ["Q8_0"]);
    assert.ok(prediction?.ok === true);
    const result = await quantizeModel({inputPath: input, outputPath: join(dir, "q8.gguf"), type: "Q8_0", threads: 1});
    assert.ok(Math.abs(prediction.predictedBytes - result.outputBytes) / result.outputBytes < 0.001,
        `predicted ${prediction.predictedBytes}, got ${result.outputBytes}`);
    assert.ok(Math.abs(prediction.bitsPerWeight - result.bitsPerWeight) < 1e-9);
    await rm(dir, {recursive: true});
});

test("an already quantized input is refused unless requantizing is allowed", async () => {
    const dir = await scratchDir();
    const q4 = join(dir, "q4.gguf");
    await quantizeModel({inputPath: await testModel("small"), outputPath: q4, type: "Q4_K_M", threads: 1});
    await assert.rejects(quantizeModel({inputPath: q4, outputPath: join(dir, "q8.gguf"), type: "Q8_0", threads: 1}),
        (err: Error) => err instanceof AlreadyQuantizedError && /already quantized \(Q4_K_M\)/.test(err.message));
    assert.deepEqual(await leftovers(dir), ["q4.gguf"]);
    const again = await quantizeModel({inputPath: q4, outputPath: join(dir, "q8.gguf"), type: "Q8_0", threads: 1, allowRequantize: true});
    assert.equal((await readGgufHeader(again.outputPath)).tensors.length, (await readGgufHeader(q4)).tensors.length);
    await rm(dir, {recursive: true});
});

test("a truncated file and a file that is not GGUF are refused with one clear message", async () => {
    const dir = await scratchDir();
    const whole = await readFile(await testModel("small"));
    await writeFile(join(dir, "cut.gguf"), whole.subarray(0, whole.length / 2));
    await writeFile(join(dir, "notes.gguf"), "these are not weights\n");
    await assert.rejects(quantizeModel({inputPath: join(dir, "cut.gguf"), outputPath: join(dir, "out.gguf"), type: "Q8_0"}), /truncated/);
    await assert.rejects(quantizeModel({inputPath: join(dir, "notes.gguf"), outputPath: join(dir, "out.gguf"), type: "Q8_0"}), /not a GGUF file/);
    await assert.rejects(quantizeModel({inputPath: join(dir, "missing.gguf"), outputPath: join(dir, "out.gguf"), type: "Q8_0"}), /does not exist/);
    assert.deepEqual(await leftovers(dir, ["cut.gguf", "notes.gguf"]), []);
    await rm(dir, {recursive: true});
});

test("an existing output is kept unless overwriting is allowed", async () => {
    const dir = await scratchDir();
    const output = join(dir, "out.gguf");
    await writeFile(output, "keep me");
    const options = {inputPath: await testModel("small"), outputPath: output, type: "Q8_0", threads: 1};
    await assert.rejects(quantizeModel(options), OutputExistsError);
    assert.equal(await readFile(output, "utf8"), "keep me");
    await quantizeModel({...options, overwrite: true});
    assert.equal((await readGgufHeader(output)).tensors.length > 0, true);
    await assert.rejects(quantizeModel({...options, outputPath: options.inputPath, overwrite: true}), /must differ from the input/);
    assert.deepEqual(await leftovers(dir), ["out.gguf"]);
    await rm(dir, {recursive: true});
});

test("unknown types, types that need an importance matrix and types the model's shape cannot take are refused", async () => {
    const dir = await scratchDir();
    const small = await testModel("small");
    await assert.rejects(quantizeModel({inputPath: small, outputPath: join(dir, "a.gguf"), type: "Q9_X"}), /not a quantization type.*Q4_K_M/);
    await assert.rejects(quantizeModel({inputPath: small, outputPath: join(dir, "a.gguf"), type: "IQ2_XXS"}), ImatrixRequiredError);
    // IQ3_XS is only refused by llama.cpp's own dry run (some of this model's tensors would become IQ3_XXS).
    await assert.rejects(quantizeModel({inputPath: small, outputPath: join(dir, "a.gguf"), type: "IQ3_XS", threads: 1}), ImatrixRequiredError);
    // The tiny model's rows are 64 wide; Q1_0 needs multiples of 128 and has no fallback type.
    await assert.rejects(quantizeModel({inputPath: await testModel("tiny"), outputPath: join(dir, "a.gguf"), type: "Q1_0", threads: 1}),
        (err: Error) => err instanceof QuantizeError && /to Q1_0: llama\.cpp says "no tensor type fallback/.test(err.message) && /not divisible by 128/.test(err.message));
    assert.deepEqual(await leftovers(dir), []);
    await rm(dir, {recursive: true});
});

test("cancelling kills the quantizer and leaves nothing behind, while the loaded model keeps working", async () => {
    const engine = newTestEngine();
    await engine.load(await testModel("tiny"), TEST_LOAD_OPTIONS);
    const dir = await scratchDir();
    const controller = new AbortController();
    // IQ4_NL of the F32 small model takes ~2 s on one thread: long enough to cancel part-way.
    const started = quantizeModel({
        inputPath: await testModel("small", 1, "f32"), outputPath: join(dir, "out.gguf"), type: "IQ4_NL", threads: 1,
        signal: controller.signal, onProgress: (f) => f > 0.05 && controller.abort()
    });
    await assert.rejects(started, (err) => isAbortError(err));
    assert.deepEqual(await leftovers(dir), [], "no partial file");
    await assert.rejects(quantizeModel({inputPath: join(dir, "nothing.gguf"), outputPath: join(dir, "out.gguf"), type: "Q8_0"}));
    const completion = await completer(engine).complete({prefix: "x = ", suffix: "\n", maxTokens: 3});
    assert.equal(completion.tokens, 3, "the loaded model still serves");
    await engine.dispose();
    await rm(dir, {recursive: true});
});

test("the quantizer kills itself and removes its partial file when its parent dies", async () => {
    const dir = await scratchDir();
    const cli = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "src", "cli", "cli.ts"), "quantize",
        await testModel("small", 1, "f32"), "--type", "IQ4_NL", "--out", join(dir, "out.gguf"), "--threads", "1"],
    {cwd: REPO_ROOT, stdio: "ignore"});
    const partial = await pollUntil(async () => (await readdir(dir)).find((name) => name.endsWith(".partial")), 60_000);
    assert.ok(partial != null, "the quantizer started writing");
    const workerPid = Number(/\.(\d+)\.partial$/.exec(partial)![1]);
    cli.kill("SIGKILL");
    assert.equal(await exitsWithin(workerPid, 60_000), true, "the orphaned quantizer exited");
    assert.deepEqual(await leftovers(dir), [], "and removed its partial file");
    await rm(dir, {recursive: true});
});

test("a full disk gives a clear error and leaves no partial file", async (t) => {
    const mountPoint = await scratchDir();
    try {
        await run("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint]);
    } catch {
        t.skip("mounting a 1 MB tmpfs needs root (CAP_SYS_ADMIN); the disk-space check is still covered by the unit tests");
        await rm(mountPoint, {recursive: true});
        return;
    }
    try {
        const input = await testModel("small");
        const output = join(mountPoint, "out.gguf");
        // Checked up front from llama.cpp's dry run: nothing is written.
        await assert.rejects(quantizeModel({inputPath: input, outputPath: output, type: "Q8_0", threads: 1}),
            (err: Error) => err instanceof DiskFullError && /needs about 3\.\d+ MB but only 1\.00 MB is free/.test(err.message));
        // A disk that fills up while writing: the check before writing is told there is room,
        // as if another program freed space and took it back.
        let checks = 0;
        const fillsUp = {freeDiskBytes: async (dir: string) => checks++ === 0 ? 1e12 : realEnvironment.freeDiskBytes(dir)};
        await assert.rejects(runQuantizeJob({inputPath: input, outputPath: output, type: "Q8_0", threads: 1}, fillsUp),
            (err: Error) => err instanceof DiskFullError && /is full/.test(err.message));
        assert.equal(checks, 2, "free space was checked before writing and again after the write failed");
        assert.deepEqual(await readdir(mountPoint), []);
    } finally {
        await run("umount", [mountPoint]);
        await rm(mountPoint, {recursive: true});
    }
});

test("quantpilot quantize --json prints sizes, type, bits per weight and seconds; errors are one line", async () => {
    const dir = await scratchDir();
    const output = join(dir, "out.gguf");
    const ok = await runCli(["quantize", await testModel("small"), "--type", "Q8_0", "--out", output, "--threads", "1", "--json"]);
    assert.equal(ok.code, 0, ok.stderr);
    const summary = lastJsonLine(ok);
    assert.deepEqual(Object.keys(summary).sort(), ["bitsPerWeight", "inputBytes", "outputBytes", "outputPath", "seconds", "type"]);
    assert.equal(summary.type, "Q8_0");
    assert.ok((summary.bitsPerWeight as number) > 8 && (summary.bitsPerWeight as number) < 9);
    const exists = await runCli(["quantize", await testModel("small"), "--type", "Q8_0", "--out", output]);
    assert.equal(exists.code, 1);
    assert.match(exists.stderr.trim(), /^quantpilot: .*already exists/);
    assert.equal(exists.stderr.trim().split("\n").length, 1);
    const usage = await runCli(["quantize", await testModel("small"), "--out", output]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--type is required/);
    await rm(dir, {recursive: true});
});

test("an output folder that does not exist is refused before any work", async () => {
    const dir = await scratchDir();
    await assert.rejects(quantizeModel({inputPath: await testModel("small"), outputPath: join(dir, "missing", "x.gguf"), type: "Q8_0"}),
        /folder .*missing does not exist/);
    assert.deepEqual(await leftovers(dir), []);
    await rm(dir, {recursive: true});
});
