import {before, test} from "node:test";
import assert from "node:assert/strict";
import {lastJsonLine, runCli} from "../helpers/cli";
import {fetchRealModels, type RealModels} from "./realModels";

let real: RealModels | undefined;

before(async () => {
    real = await fetchRealModels();
});

test("tools-eval on the real instruct model: it decides to call tools on its own, and every call it makes is well formed", async (t) => {
    if (real == null)
        return t.skip("real models unavailable (QP_ALLOW_NO_REAL_MODELS=1)");
    // Natural mode: nothing forces a call, so a model that cannot use the tools scores 0 here.
    const run = await runCli(["tools-eval", real.instruct.path, "--threads", "1", "--limit", "6", "--json"], {timeoutMs: 600_000});
    assert.equal(run.code, 0, run.stderr);
    const result = lastJsonLine<{cases: number; calls: number; validCalls: number; correctCalls: number; accuracy: number}>(run);
    assert.equal(result.cases, 6);
    assert.ok(result.calls >= 4, `a real instruct model calls tools when asked to act: ${result.calls} calls in 6 cases`);
    assert.equal(result.validCalls, result.calls, "every call parses and matches its tool's schema");
    assert.ok(result.correctCalls >= 3, `most first calls are the right function with the right arguments: ${result.correctCalls}/6`);
});
