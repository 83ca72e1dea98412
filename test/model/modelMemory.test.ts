import {test} from "node:test";
import assert from "node:assert/strict";
import {readModelMemory} from "../../src/engine/modelMemory";
import type {RequestMetrics} from "../../src/engine/requestMetrics";
import {completer, newTestEngine, TEST_LOAD_OPTIONS} from "../helpers/engine";
import {testModel} from "../helpers/testModels";

test("the panel's model memory and request figures come from the real engine", {timeout: 120_000}, async (t) => {
    const engine = newTestEngine();
    t.after(() => engine.dispose());
    await engine.load(await testModel("small", 1, "f16"), TEST_LOAD_OPTIONS);
    const empty = await readModelMemory(engine.loaded!);
    assert.ok(empty.weightsBytes > 5 * 2 ** 20, `weights ${empty.weightsBytes}`);
    // small: 4 layers × 2 KV heads × (64 + 64) dims × 2 bytes (F16 cache) = 2 KiB per token, 1024 tokens.
    assert.equal(empty.kvCacheBytes, 1024 * 2048);
    assert.ok(empty.computeBytes != null && empty.computeBytes > 0);
    assert.equal(empty.contextSize, 1024);
    assert.equal(empty.contextTokens, 0);
    assert.equal(empty.vram, null, "no GPU state on the CPU backend");

    const seen: RequestMetrics[] = [];
    const listening = engine.requests.onRequest((m) => seen.push(m));
    const result = await completer(engine).complete({prefix: "def add(a, b):\n    return", suffix: "\n", maxTokens: 8, raw: true});
    listening.dispose();
    await completer(engine).complete({prefix: "x = 1\n", suffix: "", maxTokens: 2, raw: true});
    assert.equal(seen.length, 1, "one metrics record per completion, and none once the listener is gone");
    const m = seen[0]!;
    assert.equal(m.kind, "completion");
    assert.equal(m.modelFileName, "small-s1-f16.gguf");
    assert.equal(m.ttftMs, result.ttftMs);
    assert.equal(m.tokens, result.tokens);
    assert.equal(m.promptTokensEvaluated, result.promptTokensEvaluated);
    assert.ok(m.promptTokensPerSecond != null && m.promptTokensPerSecond > 0);

    const used = await readModelMemory(engine.loaded!);
    assert.ok(used.contextTokens > 0, "the context holds the prompt after a completion");
    assert.ok(used.kvInUseBytes > empty.kvInUseBytes);
});
