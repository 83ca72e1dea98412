import {median} from "simple-statistics";

/** Repeated measurements of one thing: the median, the range, and how many. */
export interface Spread {
    readonly median: number;
    readonly min: number;
    readonly max: number;
    readonly n: number;
}

export function spreadOf(values: readonly number[]): Spread {
    const finite = values.filter(Number.isFinite);
    if (finite.length === 0)
        return {median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0};
    return {median: median([...finite]), min: Math.min(...finite), max: Math.max(...finite), n: finite.length};
}
