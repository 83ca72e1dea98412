import {quantileSorted} from "simple-statistics";
import {SeededRandom} from "../../gguf/seededRandom";

/** A two-sided confidence interval, [low, high]. */
export type Interval = readonly [number, number];

export interface BootstrapOptions {
    /** Resamples drawn. Default: 2000 (the percentile interval's ends move by < 1 % of its width between seeds). */
    readonly resamples?: number;
    /** The same seed always gives the same interval. Default: 1. */
    readonly seed?: number;
    /** Coverage of the interval. Default: 0.95. */
    readonly level?: number;
}

export const DEFAULT_RESAMPLES = 2000;

/**
 * Percentile bootstrap: draws `n` units with replacement `resamples` times, computes
 * `statistic` on each draw (given how often each unit was drawn) and returns the middle
 * `level` of those values. Units are whatever must stay together: windows for per-token
 * metrics (tokens of one window are not independent), items for paired task outcomes.
 */
export function bootstrapInterval(
    n: number,
    statistic: (weights: Uint32Array) => number,
    options: BootstrapOptions = {}
): Interval {
    if (n < 1)
        return [Number.NaN, Number.NaN];
    const resamples = options.resamples ?? DEFAULT_RESAMPLES;
    const random = new SeededRandom(options.seed ?? 1, 0xb007);
    const weights = new Uint32Array(n);
    const values: number[] = [];
    for (let r = 0; r < resamples; r++) {
        weights.fill(0);
        for (let i = 0; i < n; i++)
            weights[random.nextUint32() % n]!++;
        const value = statistic(weights);
        if (Number.isFinite(value))
            values.push(value);
    }
    return percentileInterval(values, options.level ?? 0.95);
}

/** The middle `level` of `values` (sorted here). */
export function percentileInterval(values: number[], level = 0.95): Interval {
    if (values.length === 0)
        return [Number.NaN, Number.NaN];
    values.sort((a, b) => a - b);
    const tail = (1 - level) / 2;
    return [quantileSorted(values, tail), quantileSorted(values, 1 - tail)];
}

/**
 * Interval of a ratio of totals over clusters, e.g. the mean KLD over all tokens with windows as
 * clusters: Σ sums[w] / Σ counts[w] on each resample of windows.
 */
export function clusterMeanInterval(sums: readonly number[], counts: readonly number[], options: BootstrapOptions = {}): Interval {
    return bootstrapInterval(sums.length, (weights) => {
        let sum = 0;
        let count = 0;
        for (let i = 0; i < weights.length; i++) {
            sum += weights[i]! * sums[i]!;
            count += weights[i]! * counts[i]!;
        }
        return count === 0 ? Number.NaN : sum / count;
    }, options);
}

/** Interval of mean(b − a) over paired items (the same item scored for both models). */
export function pairedDifferenceInterval(a: readonly number[], b: readonly number[], options: BootstrapOptions = {}): Interval {
    if (a.length !== b.length)
        throw new RangeError(`paired samples differ in length (${a.length} and ${b.length})`);
    const differences = a.map((value, i) => b[i]! - value);
    return bootstrapInterval(differences.length, (weights) => {
        let sum = 0;
        for (let i = 0; i < weights.length; i++)
            sum += weights[i]! * differences[i]!;
        return sum / differences.length;
    }, options);
}
