import {test} from "node:test";
import assert from "node:assert/strict";
import {NotEnoughTextError} from "../../src/ab/runner/abErrors";
import {decodeBytesPerToken, decodeCeiling} from "../../src/ab/stats/decodeCeiling";
import {kvCacheBytes} from "../../src/ab/stats/kvCacheSize";
import type {NextTokenDistribution} from "../../src/ab/stats/nextTokenDistribution";
import {topToken} from "../../src/ab/stats/nextTokenDistribution";
import {qualityMetrics} from "../../src/ab/stats/qualityMetrics";
import {buildReferenceWindow} from "../../src/ab/stats/referenceWindow";
import {decodeReferenceWindow, encodeReferenceWindow} from "../../src/ab/runner/referenceWindowCodec";
import {spreadOf} from "../../src/ab/stats/spread";
import {compareWindow, MIN_PROBABILITY} from "../../src/ab/stats/windowComparison";
import {cutWindows, scoredPositions} from "../../src/ab/corpus/windows";
import type {GgufHeader} from "../../src/gguf/ggufReader";
import {str, u32} from "../../src/gguf/ggufValue";

/** A distribution over token ids 0..n-1, sorted as llama.cpp returns it (most probable first). */
function dist(probs: number[]): NextTokenDistribution {
    const order = probs.map((p, id) => ({p: Math.fround(p), id})).sort((a, b) => b.p - a.p);
    return {ids: Int32Array.from(order.map((o) => o.id)), probs: Float32Array.from(order.map((o) => o.p))};
}

const close = (actual: number, expected: number, tolerance: number, what: string) =>
    assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not within ${tolerance} of ${expected}`);

test("windows are cut like llama-perplexity's chunks: whole windows, BOS first, the rest dropped", () => {
    const tokens = Array.from({length: 50}, (_, i) => 100 + i);
    const plain = cutWindows(tokens, {size: 16});
    assert.equal(plain.length, 3);
    assert.deepEqual(plain[1]!.tokens, tokens.slice(16, 32));
    const withBos = cutWindows(tokens, {size: 16, bos: 1});
    // The stream is [BOS, ...tokens] (51 tokens: 3 windows); every window starts with BOS.
    assert.equal(withBos.length, 3);
    assert.deepEqual(withBos.map((w) => w.tokens[0]), [1, 1, 1]);
    assert.deepEqual(withBos[0]!.tokens.slice(1), tokens.slice(0, 15));
    assert.deepEqual(withBos[1]!.tokens.slice(1), tokens.slice(16, 31), "window 1 starts at stream position 16, its first token replaced");
    assert.deepEqual(scoredPositions(512), {first: 256, last: 510, count: 255});
    assert.deepEqual(scoredPositions(17), {first: 8, last: 15, count: 8});
});

test("too little text names the tokens it has and the tokens a window needs", () => {
    assert.throws(() => cutWindows([1, 2, 3], {size: 512}), (err: unknown) =>
        err instanceof NotEnoughTextError && err.tokens === 3 && /3 tokens long/.test(err.message) && /needs 512 tokens/.test(err.message));
    assert.throws(() => cutWindows([], {size: 64, bos: 0}), /1 token long/);
    assert.throws(() => cutWindows([1, 2], {size: 4}), RangeError, "windows below the minimum are refused");
});

test("KLD, same top token, NLL and Δp of one position, computed by hand", () => {
    // p = (0.5, 0.3, 0.2), q = (0.4, 0.4, 0.2):
    // KL(p‖q) = 0.5 ln(0.5/0.4) + 0.3 ln(0.3/0.4) = 0.111572 − 0.086305 = 0.025268
    const reference = buildReferenceWindow(0, [dist([0.5, 0.3, 0.2])], [1], 3);
    const result = compareWindow(reference, [dist([0.4, 0.4, 0.2])]);
    close(result.kld[0]!, 0.5 * Math.log(0.5 / 0.4) + 0.3 * Math.log(0.3 / 0.4), 1e-7, "KLD");
    close(result.kld[0]!, 0.025268, 1e-6, "KLD value");
    // Candidate tie between tokens 0 and 1 resolves to the lowest id, as llama-perplexity's scan does.
    assert.equal(topToken(dist([0.4, 0.4, 0.2])), 0);
    assert.equal(result.sameTop1[0], 1);
    close(result.referenceNll[0]!, -Math.log(0.3), 1e-7, "reference NLL of the actual token 1");
    close(result.candidateNll[0]!, -Math.log(0.4), 1e-7, "candidate NLL");
    close(result.deltaP[0]!, 0.1, 1e-7, "Δp");
    assert.equal(result.kldShortfallBound[0], 0, "nothing truncated");
});

test("a distribution compared with itself gives exactly 0, and a token the candidate rules out is clamped", () => {
    const d = dist([0.7, 0.2, 0.1, 0]);
    const self = compareWindow(buildReferenceWindow(3, [d, d], [0, 2], 4), [d, d]);
    assert.deepEqual(Array.from(self.kld), [0, 0]);
    assert.deepEqual(Array.from(self.sameTop1), [1, 1]);
    const zero = compareWindow(buildReferenceWindow(0, [dist([0.5, 0.5, 0])], [1], 3), [dist([1, 0, 0])]);
    close(zero.kld[0]!, 0.5 * Math.log(0.5 / 1) + 0.5 * (Math.log(0.5) - Math.log(MIN_PROBABILITY)), 1e-9, "clamped KLD");
    assert.ok(Number.isFinite(zero.candidateNll[0]!));
});

test("a truncated reference keeps a tail bucket: its KLD is a lower bound and the bound covers the gap", () => {
    const p = [0.4, 0.3, 0.1, 0.1, 0.06, 0.04];
    const q = [0.3, 0.3, 0.05, 0.15, 0.19, 0.01];
    const exact = compareWindow(buildReferenceWindow(0, [dist(p)], [4], 6, 100), [dist(q)]).kld[0]!;
    const truncated = compareWindow(buildReferenceWindow(0, [dist(p)], [4], 6, 3), [dist(q)]);
    const approx = truncated.kld[0]!;
    assert.ok(approx <= exact + 1e-12, `bucketed ${approx} ≤ exact ${exact}`);
    assert.ok(approx + truncated.kldShortfallBound[0]! >= exact - 1e-12, "the bound reaches the exact value");
    // The actual next token (id 4) lies in the tail, yet its probabilities stay exact.
    close(truncated.referenceNll[0]!, -Math.log(0.06), 1e-6, "reference NLL of a tail token");
    close(truncated.deltaP[0]!, 0.19 - 0.06, 1e-6, "Δp of a tail token");
});

test("quality metrics: perplexity from mean NLL, ln ratio, quantiles and intervals over windows", () => {
    const ref = dist([0.5, 0.3, 0.2]);
    const windows = [0, 1, 2, 3].map((w) => buildReferenceWindow(w, [ref, ref], [0, 1], 3));
    const comparisons = windows.map((w, i) => compareWindow(w, [dist(i % 2 === 0 ? [0.5, 0.3, 0.2] : [0.4, 0.4, 0.2]), ref]));
    const q = qualityMetrics(comparisons);
    assert.equal(q.windows, 4);
    assert.equal(q.tokensScored, 8);
    const kl = 0.5 * Math.log(0.5 / 0.4) + 0.3 * Math.log(0.3 / 0.4);
    close(q.kld.mean, (2 * kl) / 8, 1e-7, "mean KLD");
    close(q.ppl.reference, Math.exp((-4 * Math.log(0.5) - 4 * Math.log(0.3)) / 8), 1e-6, "reference PPL");
    close(q.ppl.lnRatio, Math.log(q.ppl.candidate / q.ppl.reference), 1e-9, "ln ratio matches the two perplexities");
    assert.equal(q.sameTop1.rate, 1);
    assert.ok(q.kld.ci95[0] <= q.kld.mean && q.kld.mean <= q.kld.ci95[1]);
    assert.deepEqual(q.kldMethod, {kind: "exact"});
    assert.throws(() => qualityMetrics([]), /no windows/);
});

test("reference windows survive the disk format bit for bit; damaged bytes are a miss", () => {
    const window = buildReferenceWindow(7, [dist([0.6, 0.3, 0.1]), dist([0.2, 0.2, 0.6])], [2, 0], 3, 2);
    const decoded = decodeReferenceWindow(encodeReferenceWindow({window, evaluationSeconds: 1.25}));
    assert.deepEqual(decoded, {window, evaluationSeconds: 1.25});
    assert.equal(decodeReferenceWindow(Buffer.from("QPREFW01 but then nothing")), undefined);
    assert.equal(decodeReferenceWindow(encodeReferenceWindow({window, evaluationSeconds: 1}).subarray(0, 60)), undefined);
});

function header(tensors: Array<{name: string; dims: number[]; byteSize: number}>, metadata: Record<string, number | string> = {}): GgufHeader {
    return {
        version: 3, alignment: 32, dataOffset: 0, fileSize: 0,
        metadata: new Map(Object.entries(metadata).map(([k, v]) => [k, typeof v === "string" ? str(v) : u32(v)])),
        tensors: tensors.map((t) => ({...t, type: 1, offset: 0}))
    };
}

test("decode reads every weight once but only one embedding row, unless the output is tied", () => {
    const untied = header([
        {name: "token_embd.weight", dims: [8, 1000], byteSize: 16000},
        {name: "blk.0.attn_q.weight", dims: [8, 8], byteSize: 128},
        {name: "output.weight", dims: [8, 1000], byteSize: 16000}
    ]);
    assert.equal(decodeBytesPerToken(untied), 16 + 128 + 16000);
    const tied = header([{name: "token_embd.weight", dims: [8, 1000], byteSize: 16000}, {name: "blk.0.attn_q.weight", dims: [8, 8], byteSize: 128}]);
    assert.equal(decodeBytesPerToken(tied), 16000 + 128);
    const ceiling = decodeCeiling(1e6, 10e9, 5000);
    assert.equal(ceiling.ceilingTokensPerSecond, 10000);
    assert.equal(ceiling.fraction, 0.5);
});

test("KV cache size follows the model's shape", () => {
    const h = header([], {"general.architecture": "qwen2", "qwen2.block_count": 24, "qwen2.embedding_length": 896,
        "qwen2.attention.head_count": 14, "qwen2.attention.head_count_kv": 2});
    // 24 layers × 4096 tokens × 2 KV heads × (64 + 64) × 2 bytes = 48 MiB (Qwen2.5-0.5B's known figure).
    assert.equal(kvCacheBytes(h, 4096), 48 * 1024 * 1024);
    assert.equal(kvCacheBytes(header([]), 4096), undefined);
});

test("repeated timings keep median, range and count", () => {
    assert.deepEqual(spreadOf([3, 1, 2]), {median: 2, min: 1, max: 3, n: 3});
    assert.deepEqual(spreadOf([4, Number.NaN, 2]), {median: 3, min: 2, max: 4, n: 2});
    assert.equal(spreadOf([]).n, 0);
});
