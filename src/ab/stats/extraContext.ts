import {pairedBinary, pairedScores, type PairedBinaryAnalysis, type PairedScoreAnalysis} from "./pairedOutcomes";

/** One held-out line answered with and without extra context. */
export interface ExtraContextRow {
    readonly id: string;
    readonly exactWithout: boolean;
    readonly exactWith: boolean;
    readonly promptTokensWithout: number;
    readonly promptTokensWith: number;
    /** Tokens of the extra chunks themselves in the prompt with them. */
    readonly extraTokens: number;
    /** Prompt evaluation and generation, from an empty KV cache (the cost before any reuse). */
    readonly secondsWithout: number;
    readonly secondsWith: number;
}

/** What the extra context costs and what it buys, over the same lines. */
export interface ExtraContextFigure {
    readonly n: number;
    /** Mean tokens the extra chunks add to a prompt. */
    readonly extraTokens: number;
    readonly promptTokens: {readonly without: number; readonly with: number};
    /** Mean seconds per line (prompt from an empty cache, and the answer). */
    readonly seconds: {readonly without: number; readonly with: number};
    /** with / without of the mean seconds. */
    readonly timeRatio: number;
    /** Paired: seconds with minus without, with a bootstrap 95 % interval. */
    readonly secondsDifference: PairedScoreAnalysis;
    /** Paired: exact match with ("candidate") against without ("reference"). */
    readonly exactMatch: PairedBinaryAnalysis;
}

export function extraContextFigure(rows: readonly ExtraContextRow[], seed = 1): ExtraContextFigure {
    const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
    const without = mean(rows.map((r) => r.secondsWithout));
    const withContext = mean(rows.map((r) => r.secondsWith));
    return {
        n: rows.length,
        extraTokens: mean(rows.map((r) => r.extraTokens)),
        promptTokens: {without: mean(rows.map((r) => r.promptTokensWithout)), with: mean(rows.map((r) => r.promptTokensWith))},
        seconds: {without, with: withContext},
        timeRatio: without > 0 ? withContext / without : Number.NaN,
        secondsDifference: pairedScores(rows.map((r) => r.secondsWithout), rows.map((r) => r.secondsWith), {seed}),
        exactMatch: pairedBinary(rows.map((r) => r.exactWithout), rows.map((r) => r.exactWith), {seed})
    };
}

/** "+612 tokens, 1.8× the time (+0.41 s, 95 % CI 0.30–0.52) for exact match 40 % → 45 % (+5 pp, 95 % CI −5–15, n = 20)". */
export function describeExtraContext(f: ExtraContextFigure): string {
    const pp = (x: number) => `${x >= 0 ? "+" : ""}${(100 * x).toFixed(0)}`;
    const [low, high] = f.exactMatch.differenceCi95;
    const [sLow, sHigh] = f.secondsDifference.differenceCi95;
    return `extra context: +${f.extraTokens.toFixed(0)} prompt tokens, ${f.timeRatio.toFixed(2)}× the time per line ` +
        `(${f.secondsDifference.difference >= 0 ? "+" : ""}${f.secondsDifference.difference.toFixed(2)} s, 95 % CI ${sLow.toFixed(2)} to ${sHigh.toFixed(2)}) ` +
        `for FIM exact match ${(100 * f.exactMatch.referenceRate).toFixed(0)} % → ${(100 * f.exactMatch.candidateRate).toFixed(0)} % ` +
        `(${pp(f.exactMatch.difference)} pp, 95 % CI ${pp(low)} to ${pp(high)} pp, n = ${f.n})`;
}
