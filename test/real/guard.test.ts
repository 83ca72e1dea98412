import {before, test} from "node:test";
import assert from "node:assert/strict";
import {lastJsonLine, runCli} from "../helpers/cli";
import {fetchRealModels, type RealModels} from "./realModels";

let real: RealModels | undefined;

before(async () => {
    real = await fetchRealModels();
});

test("the model guard accepts every real model (quantpilot check)", async (t) => {
    if (real == null)
        return t.skip("real models unavailable (QP_ALLOW_NO_REAL_MODELS=1)");
    for (const model of real.models) {
        const run = await runCli(["check", model.path, "--json", "--gpu", "cpu"], {timeoutMs: 300_000});
        assert.equal(run.code, 0, `${model.id}: ${run.stderr}`);
        const verdict = lastJsonLine<{accepted: boolean; reason?: string}>(run);
        assert.equal(verdict.accepted, true, `${model.id}: ${verdict.reason ?? ""}`);
    }
});
