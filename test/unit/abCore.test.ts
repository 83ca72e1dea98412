import {test} from "node:test";
import assert from "node:assert/strict";
import {NotEnoughTextError} from "../../src/ab/runner/abErrors";
import {decodeBytesPerToken, decodeCeiling} from "../../src/ab/stats/decodeCeiling";
import {kvCacheBytes} from "../../src/ab/stats/kvCacheSize";
import {logitsFromProbabilities, logSoftmaxStats, MIN_PROBABILITY} from "../../src/ab/stats/logSoftmax";
import {qualityMetrics} from "../../src/ab/stats/qualityMetrics";
import {buildReferenceWindow} from "../../src/ab/stats/referenceWindow";
import {decodeReferenceSummary, decodeReferenceWindow, encodeReferenceWindow, summaryBytes} from "../../src/ab/runner/referenceWindowCodec";
import {spreadOf} from "../../src/ab/stats/spread";
import {compareWindow} from "../../src/ab/stats/windowComparison";
import {cutWindows, scoredPositions} from "../../src/ab/corpus/windows";
import {SeededRandom} from "../../src/gguf/seededRandom";
import type {GgufHeader} from "../../src/gguf/ggufReader";
import {str, u32} from "../../src/gguf/ggufValue";

/** Logits whose softmax is `probs` (ln p; 0 becomes the smallest float32). */
function logits(probs: number[]): Float32Array {
    return logitsFromProbabilities(probs.map((p, id) => [id, p] as const), probs.length);
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
    const reference = buildReferenceWindow(0, [logits([0.5, 0.3, 0.2])], [1], 3);
    const result = compareWindow(reference, [logits([0.4, 0.4, 0.2])]);
    close(result.kld[0]!, 0.5 * Math.log(0.5 / 0.4) + 0.3 * Math.log(0.3 / 0.4), 1e-7, "KLD");
    close(result.kld[0]!, 0.025268, 1e-6, "KLD value");
    // Candidate tie between tokens 0 and 1 resolves to the lowest id, as llama-perplexity's scan does.
    assert.equal(logSoftmaxStats(logits([0.4, 0.4, 0.2])).argmax, 0);
    assert.equal(result.sameTop1[0], 1);
    close(result.referenceNll[0]!, -Math.log(0.3), 1e-7, "reference NLL of the actual token 1");
    close(result.candidateNll[0]!, -Math.log(0.4), 1e-7, "candidate NLL");
    close(result.deltaP[0]!, 0.1, 1e-7, "Δp");
});

test("a distribution compared with itself gives exactly 0, and a token the candidate rules out is clamped", () => {
    const d = logits([0.7, 0.2, 0.1, 0]);
    const self = compareWindow(buildReferenceWindow(3, [d, d], [0, 2], 4), [d, d]);
    assert.deepEqual(Array.from(self.kld), [0, 0]);
    assert.deepEqual(Array.from(self.sameTop1), [1, 1]);
    assert.deepEqual(Array.from(self.deltaP), [0, 0]);
    const zero = compareWindow(buildReferenceWindow(0, [logits([0.5, 0.5, 0])], [1], 3), [logits([1, 0, 0])]);
    close(zero.kld[0]!, 0.5 * Math.log(0.5 / 1) + 0.5 * (Math.log(0.5) - Math.log(MIN_PROBABILITY)), 1e-4, "clamped KLD");
    assert.ok(Number.isFinite(zero.candidateNll[0]!));
});

const uniform = (random: SeededRandom) => random.nextUint32() / 4294967296;

/** Random logits: `spread` nats of normal noise, one token pushed `lead` nats above the rest. */
function randomLogits(random: SeededRandom, n: number, spread: number, lead: number, top: number): Float32Array {
    const l = new Float32Array(n);
    for (let i = 0; i < n; i++)
        l[i] = spread * Math.sqrt(-2 * Math.log(1 - uniform(random))) * Math.cos(2 * Math.PI * uniform(random));
    l[top] = l[top]! + lead;
    return l;
}

/** KL(p‖q) written out plainly: softmax of each side in double, then Σ p·ln(p/q) over tokens with ln p > floor. */
function straightforwardKld(reference: Float32Array, candidate: Float32Array, floor = -Infinity): number {
    const logSoftmax = (l: Float32Array) => {
        const max = Math.max(...l);
        const lse = max + Math.log(l.reduce((s, v) => s + Math.exp(v - max), 0));
        return Array.from(l, (v) => v - lse);
    };
    const lp = logSoftmax(reference);
    const lq = logSoftmax(candidate);
    return lp.reduce((sum, v, i) => v > floor ? sum + Math.exp(v) * (v - lq[i]!) : sum, 0);
}

/** llama-perplexity's own arithmetic: the reference row rounded to 16-bit steps (perplexity.cpp, log_softmax with uint16). */
function llamaPerplexityKld(reference: Float32Array, candidate: Float32Array): number {
    let max = -Infinity;
    let min = Infinity;
    for (const v of reference) {
        max = Math.max(max, v);
        min = Math.min(min, v);
    }
    min = Math.max(min, max - 16);
    const lse = Math.log(reference.reduce((s, v) => s + Math.exp(v - max), 0));
    const minLogProb = Math.fround(min - max - lse);
    const scale = Math.fround((max - min) / 65535);
    const q = Array.from(reference, (v) => v > min ? Math.round((v - min) / scale) : 0);
    const cmax = Math.max(...candidate);
    const clse = cmax + Math.log(candidate.reduce((s, v) => s + Math.exp(v - cmax), 0));
    return q.reduce((sum, qi, i) => {
        const lp = scale * qi + minLogProb;
        return lp > -16 ? sum + Math.exp(lp) * (lp - candidate[i]! + clse) : sum;
    }, 0);
}

test("KLD over a 32,000-token vocabulary is exact: it matches a plain full-vocabulary sum, not a top-1,024 bound", () => {
    const random = new SeededRandom(7, 1);
    const n = 32_000;
    // Flat distributions: every token above the −16 floor, most of the mass outside any top 1,024.
    const flat = Array.from({length: 3}, (_, i) => randomLogits(random, n, 0.8, 2, 100 + i));
    const flatCandidates = flat.map((l) => l.map((v) => v + 0.3 * (uniform(random) - 0.5)));
    const comparison = compareWindow(buildReferenceWindow(0, flat, [5, 6, 7], n), flatCandidates);
    for (let i = 0; i < flat.length; i++) {
        const expected = straightforwardKld(flat[i]!, flatCandidates[i]!);
        close(comparison.kld[i]!, expected, 1e-6 * expected + 1e-9, `flat position ${i}`);
    }
    // Peaked distributions (as trained models give): tokens below −16 nats are left out as
    // llama-perplexity leaves them out, and llama-perplexity's own 16-bit arithmetic agrees.
    const peaked = Array.from({length: 3}, (_, i) => randomLogits(random, n, 4, 12, 31_000 + i));
    const peakedCandidates = peaked.map((l) => l.map((v) => v + 0.5 * (uniform(random) - 0.5)));
    const second = compareWindow(buildReferenceWindow(1, peaked, [1, 2, 3], n), peakedCandidates);
    for (let i = 0; i < peaked.length; i++) {
        const expected = straightforwardKld(peaked[i]!, peakedCandidates[i]!, -16);
        close(second.kld[i]!, expected, 1e-6 * expected + 1e-9, `peaked position ${i}`);
        close(second.kld[i]!, llamaPerplexityKld(peaked[i]!, peakedCandidates[i]!), 0.005 * expected, `llama-perplexity's 16-bit KLD at ${i}`);
        assert.equal(second.sameTop1[i], 1, "the pushed token is the top one on both sides");
    }
});

test("same top token and Δp are read over the full vocabulary", () => {
    const n = 5000;
    const reference = new Float32Array(n).fill(0);
    reference[4321] = 5; // far outside any top-k of a sorted prefix
    const candidate = new Float32Array(n).fill(0);
    candidate[4999] = 5;
    const result = compareWindow(buildReferenceWindow(0, [reference], [4999], n), [candidate]);
    assert.equal(result.sameTop1[0], 0);
    const pRef = 1 / (n - 1 + Math.exp(5));
    close(result.deltaP[0]!, Math.exp(5) * pRef - pRef, 1e-9, "Δp of the actual token");
});

test("quality metrics: perplexity from mean NLL, ln ratio, quantiles and intervals over windows", () => {
    const ref = logits([0.5, 0.3, 0.2]);
    const windows = [0, 1, 2, 3].map((w) => buildReferenceWindow(w, [ref, ref], [0, 1], 3));
    const comparisons = windows.map((w, i) => compareWindow(w, [logits(i % 2 === 0 ? [0.5, 0.3, 0.2] : [0.4, 0.4, 0.2]), ref]));
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

test("reference windows survive the disk format bit for bit, sparse and dense rows; damaged bytes are a miss", () => {
    const peaked = new Float32Array(40).fill(-30);
    peaked[3] = 0;
    peaked[9] = -1;
    const {window, rows} = buildReferenceWindow(7, [logits([0.6, 0.3, 0.1, 0]), peaked.subarray(0, 4)], [2, 0], 4);
    assert.equal(rows[0]!.ids, null, "a row with most tokens above the floor is dense");
    const sparse = buildReferenceWindow(2, [peaked], [9], 40);
    assert.deepEqual(Array.from(sparse.rows[0]!.ids!), [3, 9], "a peaked row keeps only the tokens above −16");
    for (const [record, evaluationSeconds] of [[{window, rows}, 1.25], [sparse, 0.5]] as const) {
        const bytes = encodeReferenceWindow({window: record.window, evaluationSeconds}, record.rows);
        const decoded = decodeReferenceWindow(bytes);
        assert.deepEqual(decoded?.window, record.window);
        assert.equal(decoded?.evaluationSeconds, evaluationSeconds);
        assert.deepEqual(decoded?.rows.map((r) => [r.ids == null ? null : Array.from(r.ids), Array.from(r.logits), r.logSumExp]),
            record.rows.map((r) => [r.ids == null ? null : Array.from(r.ids), Array.from(r.logits), r.logSumExp]));
        assert.deepEqual(decodeReferenceSummary(bytes.subarray(0, summaryBytes(record.window.positions)), bytes.length)?.window, record.window,
            "the summary reads without the rows");
        assert.equal(decodeReferenceWindow(bytes.subarray(0, bytes.length - 4)), undefined, "a truncated file is a miss");
    }
    assert.equal(decodeReferenceWindow(Buffer.from("QPREFW03 but then nothing")), undefined);
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
