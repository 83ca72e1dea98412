import {before, test} from "node:test";
import assert from "node:assert/strict";
import {existsSync, readFileSync} from "node:fs";
import {mkdir, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {lastJsonLine, runCli} from "../helpers/cli";
import {CACHE_DIR} from "../helpers/paths";
import {fetchRealModels, type RealModels} from "./realModels";

interface Candidate {
    kld: {mean: number; ci95: [number, number]};
    sameTop1: {rate: number};
    ppl: {reference: number; candidate: number};
    tokensScored: number;
}

let real: RealModels | undefined;
const DIR = join(CACHE_DIR, "real-tier");

before(async () => {
    real = await fetchRealModels();
    await mkdir(DIR, {recursive: true});
});

/** Real text nobody tuned to: the start of Python's own json decoder, or of TypeScript's ES5 lib. */
function realText(): string {
    const python = ["/usr/lib/python3.11/json/decoder.py", "/usr/lib/python3/json/decoder.py"].find((p) => existsSync(p));
    const text = readFileSync(python ?? join(__dirname, "..", "..", "node_modules", "typescript", "lib", "lib.es5.d.ts"), "utf8");
    return text.slice(0, text.lastIndexOf("\n", 6000) + 1);
}

test("A/B on real weights and real text: Q2_K requantized from the shipped Q4_K_M is measurably worse", async (t) => {
    if (real == null)
        return t.skip("real models unavailable (QP_ALLOW_NO_REAL_MODELS=1)");
    const q2k = join(DIR, "coder-0.5b.requant-Q2_K.gguf");
    if (!existsSync(q2k)) {
        const quantize = await runCli(["quantize", real.completion.path, "--type", "Q2_K", "--out", q2k, "--allow-requantize", "--threads", "1"], {timeoutMs: 600_000});
        assert.equal(quantize.code, 0, quantize.stderr);
    }
    const textFile = join(DIR, "ab-text.txt");
    await writeFile(textFile, realText());
    const run = await runCli(["ab", real.completion.path, q2k, "--text", textFile, "--window", "256", "--metrics", "quality",
        "--threads", "1", "--gpu", "cpu", "--no-cache", "--json"], {timeoutMs: 900_000});
    assert.equal(run.code, 0, run.stderr);
    const [candidate] = lastJsonLine<{candidates: Candidate[]}>(run).candidates;
    assert.ok(candidate != null && candidate.tokensScored > 500, `scored ${candidate?.tokensScored} tokens of the given text only`);
    assert.ok(candidate.kld.ci95[0] > 0.02, `KLD clearly above zero: mean ${candidate.kld.mean}, CI ${candidate.kld.ci95.join("-")}`);
    assert.ok(candidate.sameTop1.rate < 0.97, `the top token changes often: same-top-1 ${candidate.sameTop1.rate}`);
    assert.ok(candidate.ppl.candidate > candidate.ppl.reference * 1.02, `perplexity rises: ${candidate.ppl.reference} -> ${candidate.ppl.candidate}`);
    // A real code model on real code is far from uniform over 151,936 tokens (PPL would be ~150,000).
    assert.ok(candidate.ppl.reference < 20, `the reference predicts real code: PPL ${candidate.ppl.reference}`);
});
