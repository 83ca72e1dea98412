import {test} from "node:test";
import assert from "node:assert/strict";
import {lastJsonLine, runCli, type ToolsEvalJson} from "../helpers/cli";
import {testModel} from "../helpers/testModels";

test("tools-eval --forced scores the function and arguments the model picks; every call is valid", async () => {
    const run = await runCli(["tools-eval", await testModel("tiny"), "--threads", "1", "--forced", "--limit", "6", "--json"], {timeoutMs: 300_000});
    assert.equal(run.code, 0, run.stderr);
    const result = lastJsonLine<ToolsEvalJson>(run);
    assert.equal(result.cases, 6);
    assert.equal(result.mode, "forced");
    assert.ok(result.calls >= 1 && result.calls <= 6, `one call at most per case, got ${result.calls}`);
    assert.equal(result.validCalls, result.calls, "the grammar makes every call match its schema");
    assert.equal(result.accuracy, result.correctCalls / result.cases);
    assert.ok(result.ci95[0] <= result.accuracy && result.accuracy <= result.ci95[1]);
    assert.match(run.stderr, /\[6\/6\] /, "progress per case on stderr");
});

test("tools-eval in natural mode: a random model never starts a call on its own, and the interval says how little that shows", async () => {
    const run = await runCli(["tools-eval", await testModel("tiny"), "--threads", "1", "--limit", "3", "--json"], {timeoutMs: 300_000});
    assert.equal(run.code, 0, run.stderr);
    const result = lastJsonLine<ToolsEvalJson>(run);
    assert.deepEqual({cases: result.cases, calls: result.calls, validCalls: result.validCalls, correctCalls: result.correctCalls, accuracy: result.accuracy},
        {cases: 3, calls: 0, validCalls: 0, correctCalls: 0, accuracy: 0});
    assert.equal(result.ci95[0], 0);
    assert.ok(result.ci95[1] > 0.4, `three cases bound nothing tightly: ${result.ci95[1]}`);
});

test("tools-eval refuses a model without tool support and a missing file, in one line each", async () => {
    const noTools = await runCli(["tools-eval", await testModel("llama-spm"), "--threads", "1", "--json"]);
    assert.equal(noTools.code, 2, noTools.stderr);
    assert.match(noTools.stderr, /has no chat template with tool support/);
    const missing = await runCli(["tools-eval", "/nonexistent/model.gguf", "--json"]);
    assert.equal(missing.code, 1, missing.stderr);
    assert.match(missing.stderr.trim(), /^quantpilot: .*model\.gguf/);
    const usage = await runCli(["tools-eval", await testModel("tiny"), "--limit", "0"]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--limit must be a whole number/);
});
