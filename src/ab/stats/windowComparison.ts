import {denseProbabilities, topToken, type NextTokenDistribution} from "./nextTokenDistribution";
import type {ReferenceWindow} from "./referenceWindow";

/** Smallest positive float32: stands in for a probability that underflowed to 0 in llama.cpp's float softmax. */
export const MIN_PROBABILITY = 1.401298464324817e-45;

/** Per-token results of one candidate against the reference on one window. */
export interface WindowComparison {
    readonly windowIndex: number;
    /** KL(reference ‖ candidate) in nats, per scored position. */
    readonly kld: Float64Array;
    /** 1 where both models' most probable next token is the same. */
    readonly sameTop1: Uint8Array;
    /** −ln p(actual next token), reference and candidate. */
    readonly referenceNll: Float64Array;
    readonly candidateNll: Float64Array;
    /** Candidate minus reference probability of the actual next token. */
    readonly deltaP: Float64Array;
    /**
     * Worst-case amount by which each KLD may fall short of the full-vocabulary value because the
     * reference was kept as top tokens plus a tail bucket; all zeros when nothing was truncated.
     */
    readonly kldShortfallBound: Float64Array;
}

/**
 * Compares a candidate with the reference's record of a window position by position, so only
 * one full candidate distribution is held at a time.
 */
export class WindowComparer {
    private readonly result: WindowComparison;
    private readonly dense: Float32Array;
    private readonly kept: Uint8Array;
    private next = 0;

    constructor(private readonly reference: ReferenceWindow) {
        const n = reference.positions;
        this.result = {
            windowIndex: reference.windowIndex,
            kld: new Float64Array(n),
            sameTop1: new Uint8Array(n),
            referenceNll: new Float64Array(n),
            candidateNll: new Float64Array(n),
            deltaP: new Float64Array(n),
            kldShortfallBound: new Float64Array(n)
        };
        this.dense = new Float32Array(reference.vocabularySize);
        this.kept = new Uint8Array(reference.vocabularySize);
    }

    /** The candidate's distribution at the next scored position. */
    add(candidate: NextTokenDistribution): void {
        const i = this.next++;
        const reference = this.reference;
        if (i >= reference.positions)
            throw new RangeError(`window ${reference.windowIndex} has only ${reference.positions} scored positions`);
        const q = denseProbabilities(candidate, reference.vocabularySize, this.dense);
        const token = reference.actual[i]!;
        const p = reference.actualProb[i]!;
        const r = this.result;
        r.kld[i] = positionKld(reference, i, q, r.kldShortfallBound, this.kept);
        r.sameTop1[i] = topToken(candidate) === reference.top1[i] ? 1 : 0;
        r.referenceNll[i] = -Math.log(Math.max(p, MIN_PROBABILITY));
        r.candidateNll[i] = -Math.log(Math.max(q[token]!, MIN_PROBABILITY));
        r.deltaP[i] = q[token]! - p;
    }

    finish(): WindowComparison {
        if (this.next !== this.reference.positions)
            throw new RangeError(`the candidate has ${this.next} scored positions on window ${this.reference.windowIndex}, the reference ${this.reference.positions}`);
        return this.result;
    }
}

/** Compares a candidate's full distributions on a window with the reference's record of it. */
export function compareWindow(reference: ReferenceWindow, candidate: readonly NextTokenDistribution[]): WindowComparison {
    const comparer = new WindowComparer(reference);
    for (const d of candidate.slice(0, reference.positions + 1))
        comparer.add(d);
    return comparer.finish();
}

/**
 * Σ p·ln(p/q) over the reference's kept tokens, plus the tail bucket when the reference was
 * truncated. Computed in double from the same float32 probabilities on both sides, so a model
 * compared with itself gives exactly 0.
 */
function positionKld(reference: ReferenceWindow, i: number, q: Float32Array, bounds: Float64Array, kept: Uint8Array): number {
    const start = reference.offsets[i]!;
    const end = reference.offsets[i + 1]!;
    let kl = 0;
    let keptQ = 0;
    for (let j = start; j < end; j++) {
        const p = reference.probs[j]!;
        const qi = q[reference.ids[j]!]!;
        keptQ += qi;
        if (p > 0)
            kl += p * (Math.log(p) - Math.log(Math.max(qi, MIN_PROBABILITY)));
    }
    const tail = reference.tailMass[i]!;
    if (tail > 0) {
        const qTail = Math.max(1 - keptQ, MIN_PROBABILITY);
        const bucket = tail * (Math.log(tail) - Math.log(qTail));
        kl += bucket;
        bounds[i] = tailShortfallBound(reference, start, end, q, kept, tail, bucket);
    }
    return kl;
}

/**
 * Each tail token has p ≤ p_K (the smallest kept reference probability), so its term
 * p·ln(p/q) ≤ p·ln(p_K/q_min) and the tail's full contribution is at most
 * tail·ln(p_K/q_min); the bucket already counted is subtracted. A loose but honest bound.
 */
function tailShortfallBound(
    reference: ReferenceWindow, start: number, end: number, q: Float32Array, kept: Uint8Array, tail: number, bucket: number
): number {
    for (let j = start; j < end; j++)
        kept[reference.ids[j]!] = 1;
    let qMin = 1;
    for (let t = 0; t < q.length; t++) {
        if (kept[t] === 0 && q[t]! < qMin)
            qMin = q[t]!;
    }
    for (let j = start; j < end; j++)
        kept[reference.ids[j]!] = 0;
    const pK = reference.probs[end - 1]!;
    return Math.max(0, tail * (Math.log(pK) - Math.log(Math.max(qMin, MIN_PROBABILITY))) - bucket);
}
