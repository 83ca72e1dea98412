import {before, test} from "node:test";
import assert from "node:assert/strict";
import {lastJsonLine, runCli, type ToolsEvalJson} from "../helpers/cli";
import {fetchRealModels, type RealModels} from "./realModels";

let real: RealModels | undefined;

before(async () => {
    real = await fetchRealModels();
});

async function toolsEval(path: string, extra: string[]): Promise<ToolsEvalJson> {
    const run = await runCli(["tools-eval", path, "--threads", "1", "--limit", "6", "--json", ...extra], {timeoutMs: 900_000});
    assert.equal(run.code, 0, run.stderr);
    return lastJsonLine<ToolsEvalJson>(run);
}

test("tools-eval --forced on the real instruct model: every call well formed, and most pick the right tool and arguments", async (t) => {
    if (real == null)
        return t.skip("real models unavailable (QP_ALLOW_NO_REAL_MODELS=1)");
    const result = await toolsEval(real.instruct.path, ["--forced"]);
    assert.equal(result.cases, 6);
    assert.equal(result.calls, 6, "one call per case: the reply starts with the call prefix");
    assert.equal(result.validCalls, result.calls, "every call parses and matches its tool's schema");
    // A random-weight model gets the arguments of these cases right essentially never.
    assert.ok(result.correctCalls >= 3, `a real model picks the right function and arguments: ${result.correctCalls}/6`);
});

// Natural mode (the model decides whether to call) is not tested here: Qwen2.5-Coder Instruct writes
// its call as a fenced JSON block instead of <tool_call> tags, so no call is recognised (0 of 12 on
// the 1.5B, docs/benchmarks.md "Real models"); a test of it could only be marked as known-failing.
