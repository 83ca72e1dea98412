import {quantileSorted} from "simple-statistics";
import {clusterMeanInterval, type BootstrapOptions, type Interval} from "./bootstrap";
import type {WindowComparison} from "./windowComparison";

/**
 * How the KLD was computed: over the full vocabulary, every reference token above −16 nats,
 * as llama-perplexity computes it (see logSoftmax.ts). Kept as an object so reports stay
 * self-describing; older reports may say "top-k".
 */
export type KldMethod = {readonly kind: "exact"};

/** Distribution match of one candidate against the reference, with window-level bootstrap intervals. */
export interface QualityMetrics {
    /** Windows (the bootstrap's units) and scored tokens behind every number below. */
    readonly windows: number;
    readonly tokensScored: number;
    /** KL(reference ‖ candidate) per token, nats. */
    readonly kld: {readonly mean: number; readonly median: number; readonly p99: number; readonly max: number; readonly ci95: Interval};
    /** Share of positions where both models rank the same token first (0–1). */
    readonly sameTop1: {readonly rate: number; readonly ci95: Interval};
    /** Perplexities on the scored tokens and ln(PPL(candidate)/PPL(reference)). */
    readonly ppl: {
        readonly reference: number;
        readonly candidate: number;
        readonly lnRatio: number;
        readonly lnRatioCi95: Interval;
    };
    /** Candidate − reference probability of the actual next token: percentiles. */
    readonly deltaP: {readonly p1: number; readonly median: number; readonly p99: number; readonly rms: number};
    readonly kldMethod: KldMethod;
}

/** Aggregates per-window comparisons; percentiles over all tokens, intervals over windows. */
export function qualityMetrics(
    comparisons: readonly WindowComparison[],
    options: BootstrapOptions = {}
): QualityMetrics {
    if (comparisons.length === 0)
        throw new RangeError("no windows were compared");
    const kld = concat(comparisons.map((c) => c.kld));
    const deltaP = concat(comparisons.map((c) => c.deltaP));
    const sums = (pick: (c: WindowComparison) => ArrayLike<number>) => comparisons.map((c) => sumOf(pick(c)));
    const counts = comparisons.map((c) => c.kld.length);
    const total = kld.length;
    const referenceNll = sumOf(sums((c) => c.referenceNll)) / total;
    const candidateNll = sumOf(sums((c) => c.candidateNll)) / total;
    const nllDifferences = comparisons.map((c) => sumOf(c.candidateNll) - sumOf(c.referenceNll));
    const sortedKld = Array.from(Float64Array.from(kld).sort());
    const sortedDeltaP = Array.from(Float64Array.from(deltaP).sort());
    return {
        windows: comparisons.length,
        tokensScored: total,
        kld: {
            mean: sumOf(kld) / total,
            median: quantileSorted(sortedKld, 0.5),
            p99: quantileSorted(sortedKld, 0.99),
            max: sortedKld[total - 1]!,
            ci95: clusterMeanInterval(sums((c) => c.kld), counts, options)
        },
        sameTop1: {
            rate: sumOf(sums((c) => c.sameTop1)) / total,
            ci95: clusterMeanInterval(sums((c) => c.sameTop1), counts, options)
        },
        ppl: {
            reference: Math.exp(referenceNll),
            candidate: Math.exp(candidateNll),
            lnRatio: candidateNll - referenceNll,
            lnRatioCi95: clusterMeanInterval(nllDifferences, counts, options)
        },
        deltaP: {
            p1: quantileSorted(sortedDeltaP, 0.01),
            median: quantileSorted(sortedDeltaP, 0.5),
            p99: quantileSorted(sortedDeltaP, 0.99),
            rms: Math.sqrt(deltaP.reduce((s, v) => s + v * v, 0) / total)
        },
        kldMethod: {kind: "exact"}
    };
}

function concat(parts: ReadonlyArray<ArrayLike<number>>): number[] {
    const out: number[] = [];
    for (const part of parts) {
        for (let i = 0; i < part.length; i++)
            out.push(part[i]!);
    }
    return out;
}

function sumOf(values: ArrayLike<number>): number {
    let sum = 0;
    for (let i = 0; i < values.length; i++)
        sum += values[i]!;
    return sum;
}
