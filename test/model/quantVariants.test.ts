import {test} from "node:test";
import assert from "node:assert/strict";
import {copyFile, mkdir, mkdtemp, rm, symlink, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {quantizeModel} from "../../src/quant/quantize";
import {findModelVariants} from "../../src/quant/variants";
import {estimateFit} from "../../src/quant/fit";
import {isAbortError} from "../../src/util/abort";
import {completer, newTestEngine, testRuntime, TEST_LOAD_OPTIONS} from "../helpers/engine";
import {testModel} from "../helpers/testModels";

/** A models folder with one model at three levels, plus things that must not be taken for it. */
async function shelf(): Promise<{dir: string; f16: string; q8: string; q4: string}> {
    const dir = await mkdtemp(join(tmpdir(), "qp-variants-"));
    const f16 = join(dir, "small-F16.gguf");
    await copyFile(await testModel("small"), f16);
    await mkdir(join(dir, "quantized"));
    const q8 = join(dir, "quantized", "small-Q8_0.gguf");
    const q4 = join(dir, "small-Q4_K_M.gguf");
    await quantizeModel({inputPath: f16, outputPath: q8, type: "Q8_0", threads: 1});
    await quantizeModel({inputPath: f16, outputPath: q4, type: "Q4_K_M", threads: 1});
    await copyFile(await testModel("tiny"), join(dir, "tiny-F16.gguf")); // same architecture, other shapes
    await copyFile(await testModel("llama-spm"), join(dir, "llama.gguf")); // other architecture
    await writeFile(join(dir, "broken.gguf"), "not a model");
    await writeFile(join(dir, "small-Q2_K.gguf.123.partial"), "half");
    await symlink(q4, join(dir, "link-to-q4.gguf"));
    return {dir, f16, q8, q4};
}

test("variants are the same model at other quantization levels, most bits first", async () => {
    const {dir, f16, q8, q4} = await shelf();
    try {
        const variants = await findModelVariants(q4, [dir]);
        assert.deepEqual(variants.map((v) => v.path), [f16, q8, q4], "one entry per real file; links and strangers left out");
        assert.deepEqual(variants.map((v) => v.fileType), ["F16", "Q8_0", "Q4_K_M"]);
        assert.deepEqual(variants.map((v) => v.isCurrent), [false, false, true]);
        assert.ok(variants[0]!.bitsPerWeight > variants[1]!.bitsPerWeight && variants[1]!.bitsPerWeight > variants[2]!.bitsPerWeight);
        assert.ok(variants.every((v) => v.sizeBytes > 0));
        const tiny = await findModelVariants(await testModel("tiny"), [dir]);
        assert.ok(tiny.some((v) => v.path === join(dir, "tiny-F16.gguf")), "a copy of the tiny model is its variant");
        assert.ok(tiny.every((v) => /tiny/.test(v.fileName)), `only tiny models match the tiny model: ${tiny.map((v) => v.fileName).join(", ")}`);
        const controller = new AbortController();
        controller.abort();
        await assert.rejects(findModelVariants(q4, [dir], controller.signal), (err) => isAbortError(err));
        await assert.rejects(findModelVariants(join(dir, "broken.gguf"), [dir]), /not a GGUF/);
    } finally {
        await rm(dir, {recursive: true});
    }
});

test("fit: a small model runs on the CPU here, and will not fit in 1 KB of RAM", async () => {
    const llama = await testRuntime().get("cpu");
    const path = await testModel("small");
    const fits = await estimateFit(llama, path, {contextSize: 1024});
    assert.equal(fits.verdict, "cpu");
    assert.ok(fits.ramBytes > 1 << 20, `needs RAM for weights and context, got ${fits.ramBytes}`);
    assert.equal(fits.gpuLayers, 0);
    const starved = await estimateFit(llama, path, {contextSize: 1024, freeRamBytes: 1024});
    assert.equal(starved.verdict, "none");
    const longer = await estimateFit(llama, path, {contextSize: 4096});
    assert.ok(longer.ramBytes > fits.ramBytes, "a longer context needs more memory");
});

test("switching variants keeps serving, ends an in-flight completion cleanly, and serves from the new one", async () => {
    const {dir, q8, q4} = await shelf();
    const engine = newTestEngine();
    try {
        await engine.load(q8, TEST_LOAD_OPTIONS);
        const seen: Array<string | undefined> = [];
        const listener = engine.onDidChangeModel((model) => seen.push(model?.fileType));
        const inFlight = completer(engine).complete({prefix: "def long_function(a, b):\n", suffix: "\n", maxTokens: 400});
        const switched = engine.load(q4, TEST_LOAD_OPTIONS);
        const [completion, model] = await Promise.allSettled([inFlight, switched]);
        assert.equal(model.status, "fulfilled");
        if (completion.status === "rejected")
            assert.ok(isAbortError(completion.reason), `an in-flight completion may only end as cancelled, got ${String(completion.reason)}`);
        else
            assert.ok(["aborted", "eog", "maxTokens", "maxTime", "decided"].includes(completion.value.stopReason), completion.value.stopReason);
        assert.deepEqual(seen, ["Q4_K_M"], "one switch, straight from Q8_0 to Q4_K_M (never 'no model')");
        assert.equal(engine.model?.fileType, "Q4_K_M");
        const after = await completer(engine).complete({prefix: "x = ", suffix: "\n", maxTokens: 3});
        assert.equal(after.tokens, 3);
        listener.dispose();
    } finally {
        await engine.dispose();
        await rm(dir, {recursive: true});
    }
});
