/**
 * The per-token arithmetic of the quality comparison, on raw logits over the full vocabulary,
 * in tight loops over typed arrays (a 151,936-token vocabulary is 151,936 iterations per scored
 * token, so nothing here allocates per vocabulary entry).
 *
 * It follows llama-perplexity's `--kl-divergence` (tools/perplexity/perplexity.cpp of the
 * llama.cpp release node-llama-cpp ships) with one deliberate difference, see `ReferenceRow`:
 * - log-softmax as max + ln Σ exp(logit − max), the sum in double;
 * - KL(reference ‖ candidate) = Σ p_ref · (ln p_ref − ln p_cand) over every token whose reference
 *   log-probability is above −16 nats (p > 1.1e-7), as llama-perplexity leaves the rest out;
 * - the most probable token is the first index holding the largest logit;
 * - Δp = p_cand(actual next token) − p_ref(actual next token).
 */

/** Reference tokens at or below this log-probability do not enter the KLD (llama-perplexity's cut). */
export const KLD_LOG_PROB_FLOOR = -16;

/** Largest logit, the first token holding it, and ln Σ exp(logits). */
export interface LogSoftmaxStats {
    readonly argmax: number;
    readonly logSumExp: number;
}

export function logSoftmaxStats(logits: Float32Array): LogSoftmaxStats {
    const n = logits.length;
    let max = logits[0]!;
    let argmax = 0;
    for (let i = 1; i < n; i++) {
        const v = logits[i]!;
        if (v > max) {
            max = v;
            argmax = i;
        }
    }
    let sum = 0;
    for (let i = 0; i < n; i++)
        sum += Math.exp(logits[i]! - max);
    return {argmax, logSumExp: max + Math.log(sum)};
}

/**
 * The reference at one scored position, as exact as the logits themselves: its raw float32
 * logits of the tokens above the KLD floor, and its log-sum-exp in double, so ln p = logit −
 * logSumExp is recomputed exactly where it is needed. Sparse (`ids` lists the tokens) when fewer
 * than half the vocabulary is above the floor, as with trained models; dense (`ids` null, one
 * logit per token) otherwise.
 *
 * llama-perplexity instead stores ln p rounded to 65,536 steps between the row's maximum and 16
 * nats below it (up to 1.2e-4 nats of error per token). QuantPilot keeps the exact value that
 * rounding approximates: the two agree well within the 2 % the project's agreement check asks
 * for (bench/abCheck.ts, docs/benchmarks.md), and a model compared with itself scores exactly 0
 * instead of rounding noise.
 */
export interface ReferenceRow {
    readonly ids: Uint32Array | null;
    readonly logits: Float32Array;
    readonly logSumExp: number;
}

/** What the reference contributes at one scored position. */
export interface ReferencePosition {
    readonly row: ReferenceRow;
    readonly top1: number;
    /** −ln p_ref(actual next token), in double. */
    readonly nll: number;
}

export function referencePosition(logits: Float32Array, actualNext: number): ReferencePosition {
    const {argmax, logSumExp} = logSoftmaxStats(logits);
    const n = logits.length;
    // ln p > floor ⇔ logit > floor + logSumExp
    const threshold = KLD_LOG_PROB_FLOOR + logSumExp;
    let kept = 0;
    for (let i = 0; i < n; i++) {
        if (logits[i]! > threshold)
            kept++;
    }
    const row = kept * 2 < n ? sparseRow(logits, threshold, kept, logSumExp) : {ids: null, logits: logits.slice(), logSumExp};
    return {row, top1: argmax, nll: logSumExp - logits[actualNext]!};
}

function sparseRow(logits: Float32Array, threshold: number, kept: number, logSumExp: number): ReferenceRow {
    const ids = new Uint32Array(kept);
    const values = new Float32Array(kept);
    let k = 0;
    for (let i = 0; i < logits.length; i++) {
        const v = logits[i]!;
        if (v > threshold) {
            ids[k] = i;
            values[k++] = v;
        }
    }
    return {ids, logits: values, logSumExp};
}

/** One candidate position against the reference's. */
export interface PositionComparison {
    readonly kld: number;
    readonly sameTop1: boolean;
    /** −ln p_cand(actual next token). */
    readonly candidateNll: number;
    readonly deltaP: number;
}

export function comparePosition(logits: Float32Array, reference: ReferencePosition, actualNext: number): PositionComparison {
    const {argmax, logSumExp} = logSoftmaxStats(logits);
    const candidateNll = logSumExp - logits[actualNext]!;
    return {
        kld: rowKld(logits, logSumExp, reference.row),
        sameTop1: argmax === reference.top1,
        candidateNll,
        deltaP: Math.exp(-candidateNll) - Math.exp(-reference.nll)
    };
}

/** Σ p·(ln p − ln q) over the reference's tokens above the floor; ln p − ln q = (r − R) − (c − C). */
function rowKld(candidate: Float32Array, candidateLse: number, row: ReferenceRow): number {
    const {ids, logits, logSumExp} = row;
    const threshold = KLD_LOG_PROB_FLOOR + logSumExp;
    let sum = 0;
    if (ids == null) {
        for (let i = 0; i < logits.length; i++) {
            const r = logits[i]!;
            if (r > threshold) {
                const lp = r - logSumExp;
                sum += Math.exp(lp) * (lp - (candidate[i]! - candidateLse));
            }
        }
    } else {
        for (let k = 0; k < ids.length; k++) {
            const lp = logits[k]! - logSumExp;
            sum += Math.exp(lp) * (lp - (candidate[ids[k]!]! - candidateLse));
        }
    }
    return sum;
}

/** Smallest positive float32. */
export const MIN_PROBABILITY = 1.401298464324817e-45;

/**
 * Probabilities (token → p, as node-llama-cpp hands them out) as logits: ln p, with a
 * probability that underflowed to 0 in llama.cpp's float softmax clamped to the smallest
 * float32. Log-softmax is unchanged by the shift, so these feed the functions above like raw logits.
 */
export function logitsFromProbabilities(probabilities: Iterable<readonly [number, number]>, vocabularySize: number): Float32Array {
    const logits = new Float32Array(vocabularySize).fill(Math.log(MIN_PROBABILITY));
    for (const [token, probability] of probabilities)
        logits[token] = Math.log(Math.max(probability, MIN_PROBABILITY));
    return logits;
}
