import {topToken, type NextTokenDistribution} from "./nextTokenDistribution";

/**
 * Vocabularies up to this size keep the reference's full distribution (exact KLD). Larger ones
 * (e.g. Qwen2's 151,936 tokens: 300 MB per 512-token window in full) keep the top tokens plus
 * one bucket with the rest of the probability, which can only lower the KLD (log-sum
 * inequality); the bucket's mass and a worst-case bound on the shortfall are reported.
 */
export const DEFAULT_REFERENCE_TOP_K = 1024;

/**
 * What the reference contributes to every comparison, for one window's scored positions:
 * all a candidate needs, so adding a candidate later never runs the reference again.
 */
export interface ReferenceWindow {
    readonly windowIndex: number;
    /** Scored positions (window size − 1 − ⌊size/2⌋). */
    readonly positions: number;
    readonly vocabularySize: number;
    /** Most probable next token at each position. */
    readonly top1: Int32Array;
    /** The token that actually comes next. */
    readonly actual: Int32Array;
    /** Reference probability of the actual next token (exact, whatever was truncated). */
    readonly actualProb: Float32Array;
    /** Probability not kept in ids/probs (0 when the whole vocabulary is kept). */
    readonly tailMass: Float64Array;
    /** Kept tokens of position i are ids[offsets[i] .. offsets[i+1]). */
    readonly offsets: Uint32Array;
    readonly ids: Int32Array;
    readonly probs: Float32Array;
}

/**
 * Collects the reference's record of one window position by position, keeping only the top
 * tokens of each distribution, so a window of a large vocabulary never holds more than one full
 * distribution at a time.
 */
export class ReferenceWindowBuilder {
    private readonly keep: number;
    private readonly top1: number[] = [];
    private readonly actual: number[] = [];
    private readonly actualProb: number[] = [];
    private readonly tailMass: number[] = [];
    private readonly kept: Array<{ids: Int32Array; probs: Float32Array}> = [];

    constructor(private readonly windowIndex: number, private readonly vocabularySize: number, topK = DEFAULT_REFERENCE_TOP_K) {
        this.keep = vocabularySize <= topK ? vocabularySize : topK;
    }

    /** The distribution at the next scored position and the token that actually follows. */
    add(d: NextTokenDistribution, actualNext: number): void {
        const n = Math.min(this.keep, d.ids.length);
        this.kept.push({ids: d.ids.slice(0, n), probs: d.probs.slice(0, n)});
        this.top1.push(topToken(d));
        this.actual.push(actualNext);
        this.actualProb.push(probabilityOf(d, actualNext));
        let kept = 0;
        for (let j = 0; j < n; j++)
            kept += d.probs[j]!;
        this.tailMass.push(n < d.ids.length ? Math.max(0, 1 - kept) : 0);
    }

    build(): ReferenceWindow {
        const positions = this.kept.length;
        const offsets = new Uint32Array(positions + 1);
        this.kept.forEach((k, i) => offsets[i + 1] = offsets[i]! + k.ids.length);
        const ids = new Int32Array(offsets[positions]!);
        const probs = new Float32Array(offsets[positions]!);
        this.kept.forEach((k, i) => {
            ids.set(k.ids, offsets[i]);
            probs.set(k.probs, offsets[i]);
        });
        return {
            windowIndex: this.windowIndex, positions, vocabularySize: this.vocabularySize,
            top1: Int32Array.from(this.top1), actual: Int32Array.from(this.actual), actualProb: Float32Array.from(this.actualProb),
            tailMass: Float64Array.from(this.tailMass), offsets, ids, probs
        };
    }
}

/** Builds a reference window from the full distributions at the scored positions. */
export function buildReferenceWindow(
    windowIndex: number,
    distributions: readonly NextTokenDistribution[],
    actualNext: readonly number[],
    vocabularySize: number,
    topK = DEFAULT_REFERENCE_TOP_K
): ReferenceWindow {
    if (actualNext.length !== distributions.length)
        throw new RangeError(`${distributions.length} distributions but ${actualNext.length} next tokens`);
    const builder = new ReferenceWindowBuilder(windowIndex, vocabularySize, topK);
    distributions.forEach((d, i) => builder.add(d, actualNext[i]!));
    return builder.build();
}

function probabilityOf(d: NextTokenDistribution, token: number): number {
    for (let i = 0; i < d.ids.length; i++) {
        if (d.ids[i] === token)
            return d.probs[i]!;
    }
    return 0;
}
