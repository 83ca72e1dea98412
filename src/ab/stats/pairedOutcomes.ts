import {pairedDifferenceInterval, type BootstrapOptions, type Interval} from "./bootstrap";
import {exactMcNemarP} from "./mcnemar";

/** "inconclusive" whenever the 95 % interval of the difference includes 0. */
export type PairedConclusion = "better" | "worse" | "inconclusive";

/** Right/wrong outcomes of the same items for both models. */
export interface PairedBinaryAnalysis {
    readonly n: number;
    readonly referenceRate: number;
    readonly candidateRate: number;
    /** Items the reference got right and the candidate wrong, and the other way round. */
    readonly flips: {readonly rightToWrong: number; readonly wrongToRight: number};
    /** Exact McNemar test (two-sided binomial on the flips). */
    readonly mcnemarP: number;
    /** candidateRate − referenceRate, with a paired-bootstrap 95 % interval. */
    readonly difference: number;
    readonly differenceCi95: Interval;
    readonly conclusion: PairedConclusion;
}

/** A graded score (0–1) of the same items for both models. */
export interface PairedScoreAnalysis {
    readonly n: number;
    readonly referenceMean: number;
    readonly candidateMean: number;
    readonly difference: number;
    readonly differenceCi95: Interval;
    readonly conclusion: PairedConclusion;
}

export function pairedBinary(reference: readonly boolean[], candidate: readonly boolean[], options: BootstrapOptions = {}): PairedBinaryAnalysis {
    checkPaired(reference, candidate);
    let rightToWrong = 0;
    let wrongToRight = 0;
    for (let i = 0; i < reference.length; i++) {
        if (reference[i] && !candidate[i])
            rightToWrong++;
        else if (!reference[i] && candidate[i])
            wrongToRight++;
    }
    const scores = pairedScores(reference.map(Number), candidate.map(Number), options);
    return {
        n: reference.length,
        referenceRate: scores.referenceMean,
        candidateRate: scores.candidateMean,
        flips: {rightToWrong, wrongToRight},
        mcnemarP: exactMcNemarP(rightToWrong, wrongToRight),
        difference: scores.difference,
        differenceCi95: scores.differenceCi95,
        conclusion: scores.conclusion
    };
}

export function pairedScores(reference: readonly number[], candidate: readonly number[], options: BootstrapOptions = {}): PairedScoreAnalysis {
    checkPaired(reference, candidate);
    const n = reference.length;
    const referenceMean = mean(reference);
    const candidateMean = mean(candidate);
    const differenceCi95 = pairedDifferenceInterval(reference, candidate, options);
    return {n, referenceMean, candidateMean, difference: candidateMean - referenceMean, differenceCi95, conclusion: conclude(differenceCi95)};
}

/** The interval decides: entirely above 0 is better, entirely below is worse, anything else inconclusive. */
export function conclude(interval: Interval): PairedConclusion {
    const [low, high] = interval;
    if (!Number.isFinite(low) || !Number.isFinite(high))
        return "inconclusive";
    if (low > 0)
        return "better";
    if (high < 0)
        return "worse";
    return "inconclusive";
}

function checkPaired(a: readonly unknown[], b: readonly unknown[]): void {
    if (a.length !== b.length)
        throw new RangeError(`paired outcomes differ in length (${a.length} and ${b.length})`);
    if (a.length === 0)
        throw new RangeError("no paired outcomes");
}

function mean(values: readonly number[]): number {
    return values.reduce((s, v) => s + v, 0) / values.length;
}
