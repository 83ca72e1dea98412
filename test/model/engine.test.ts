import {after, test} from "node:test";
import assert from "node:assert/strict";
import {copyFile, mkdtemp, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {NotEnoughMemoryError, NoModelLoadedError, ModelNotCapableError} from "../../src/engine/errors";
import {ModelRejectedError} from "../../src/engine/guard/modelRejectedError";
import {LocalEngine} from "../../src/engine/localEngine";
import {isAbortError} from "../../src/util/abort";
import {silentLogger} from "../../src/util/logger";
import {completer, newTestEngine, testRuntime, TEST_LOAD_OPTIONS} from "../helpers/engine";
import {testModel, thirdPartyFixture} from "../helpers/testModels";

const PREFIX = "def add(a, b):\n    ";
const SUFFIX = "\n\nprint(add(1, 2))\n";

after(async () => {
    await testRuntime().dispose();
});

test("a generated model loads and is described: architecture, quantization, FIM, tools, runtime", async () => {
    const engine = newTestEngine();
    const model = await engine.load(await testModel("tiny"), TEST_LOAD_OPTIONS);
    assert.equal(model.architecture, "qwen2");
    assert.equal(model.fileType, "F16");
    assert.equal(model.hasFim, true);
    assert.equal(model.supportsTools, true);
    assert.equal(model.chatWrapper, "Qwen");
    assert.equal(model.contextSize, 1024);
    assert.deepEqual({gpu: model.runtime.gpu, threads: model.runtime.threads}, {gpu: false, threads: 1});
    await engine.dispose();
});

test("completions are deterministic and reuse the KV cache across keystrokes", async () => {
    const engine = newTestEngine();
    await engine.load(await testModel("tiny"), TEST_LOAD_OPTIONS);
    const first = await completer(engine).complete({prefix: PREFIX, suffix: SUFFIX, maxTokens: 12, raw: true});
    assert.ok(first.text.length > 0);
    assert.equal(first.promptTokensReused, 0);
    assert.equal(first.tokens, 12);
    const typedOn = await completer(engine).complete({prefix: PREFIX + "re", suffix: SUFFIX, maxTokens: 12, raw: true});
    assert.ok(typedOn.promptTokensReused > 5, `reused ${typedOn.promptTokensReused}`);
    const again = await completer(engine).complete({prefix: PREFIX, suffix: SUFFIX, maxTokens: 12, raw: true});
    assert.equal(again.text, first.text, "same prompt, same greedy output, whatever was cached");
    await engine.dispose();
});

test("an abort mid-generation leaves the cache consistent for the next request", async () => {
    const engine = newTestEngine();
    await engine.load(await testModel("tiny"), TEST_LOAD_OPTIONS);
    const reference = await completer(engine).complete({prefix: PREFIX, suffix: SUFFIX, maxTokens: 40});
    const controller = new AbortController();
    const aborted = completer(engine).complete({prefix: PREFIX + "x = ", suffix: SUFFIX, maxTokens: 200, signal: controller.signal});
    setTimeout(() => controller.abort(), 2);
    await assert.rejects(aborted, (err) => isAbortError(err));
    const after = await completer(engine).complete({prefix: PREFIX, suffix: SUFFIX, maxTokens: 40});
    assert.equal(after.text, reference.text);
    assert.ok(after.promptTokensReused > 0);
    await engine.dispose();
});

test("a model that fails to load leaves the previous one serving", async () => {
    const engine = newTestEngine();
    const good = await engine.load(await testModel("tiny"), TEST_LOAD_OPTIONS);
    const dir = await mkdtemp(join(tmpdir(), "qp-engine-"));
    const bad = join(dir, "broken.gguf");
    await writeFile(bad, "GGUF but not really");
    await assert.rejects(engine.load(bad, TEST_LOAD_OPTIONS), (e: Error) => e instanceof ModelRejectedError && /GGUF version \d+ is not supported/.test(e.message));
    assert.equal(engine.model?.path, good.path);
    const result = await completer(engine).complete({prefix: PREFIX, suffix: SUFFIX, maxTokens: 4, raw: true});
    assert.equal(result.tokens, 4);
    await engine.dispose();
    await rm(dir, {recursive: true});
});

test("a model too large for free memory is refused with the numbers", async () => {
    const engine = new LocalEngine(testRuntime(), silentLogger, {freeMemory: () => 1024 * 1024});
    await assert.rejects(engine.load(await testModel("tiny"), TEST_LOAD_OPTIONS), (e: Error) =>
        e instanceof NotEnoughMemoryError && /needs about .* of RAM but only 1.00 MB is free/.test(e.message));
    assert.equal(engine.model, undefined);
});

test("switching to another model replaces it; an in-flight completion is aborted cleanly, never answered by a disposed model", async () => {
    const engine = newTestEngine();
    await engine.load(await testModel("tiny", 1), TEST_LOAD_OPTIONS);
    // Handled from the start: the request may end (aborted) while the switch is still going on.
    const inFlight = completer(engine).complete({prefix: PREFIX, suffix: SUFFIX, maxTokens: 400})
        .then((r) => r.tokens, (err: unknown) => isAbortError(err) ? "aborted" : err);
    const switched = await engine.load(await testModel("tiny", 2), TEST_LOAD_OPTIONS);
    const outcome = await inFlight;
    assert.ok(outcome === "aborted" || typeof outcome === "number", `in-flight request ended with ${String(outcome)}`);
    assert.equal(engine.model?.path, switched.path);
    const fresh = await completer(engine).complete({prefix: PREFIX, suffix: SUFFIX, maxTokens: 4, raw: true});
    assert.equal(fresh.tokens, 4);
    await engine.dispose();
    await assert.rejects(completer(engine).complete({prefix: PREFIX, suffix: ""}), (e: Error) => e instanceof NoModelLoadedError);
});

test("a model deleted while loaded keeps working from memory", async () => {
    const dir = await mkdtemp(join(tmpdir(), "qp-engine-"));
    const path = join(dir, "soon-gone.gguf");
    await copyFile(await testModel("tiny"), path);
    const engine = newTestEngine();
    await engine.load(path, TEST_LOAD_OPTIONS);
    await rm(dir, {recursive: true});
    const result = await completer(engine).complete({prefix: PREFIX, suffix: SUFFIX, maxTokens: 4, raw: true});
    assert.equal(result.tokens, 4);
    await engine.dispose();
});

test("a llama-architecture SentencePiece model without FIM loads, and completion says why it cannot run", async () => {
    const engine = newTestEngine();
    const model = await engine.load(await testModel("llama-spm"), TEST_LOAD_OPTIONS);
    assert.equal(model.architecture, "llama");
    assert.equal(model.hasFim, false);
    assert.equal(model.supportsTools, false);
    await assert.rejects(completer(engine).complete({prefix: "x", suffix: ""}), (e: Error) => e instanceof ModelNotCapableError && /no fill-in-the-middle tokens/.test(e.message));
    await engine.dispose();
});

test("the third-party fixture (a file this project did not write) loads and is described", async (t) => {
    const fixture = thirdPartyFixture();
    if (fixture == null) {
        t.skip("../shared/fixtures/llama-2-tiny-random.gguf is not on this machine");
        return;
    }
    const engine = newTestEngine();
    const model = await engine.load(fixture, TEST_LOAD_OPTIONS);
    assert.equal(model.architecture, "llama");
    assert.equal(model.hasFim, false);
    assert.equal(model.supportsTools, false);
    await engine.dispose();
});
