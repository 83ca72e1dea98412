/**
 * Exact McNemar test for paired binary outcomes: of the `n = b + c` items whose outcome differs
 * between the two models, under "no difference" each is equally likely to go either way, so
 * min(b, c) is Binomial(n, 1/2). Two-sided p = min(1, 2·P(X ≤ min(b, c))). n = 0 gives 1.
 *
 * @param b items right for the reference and wrong for the candidate
 * @param c items wrong for the reference and right for the candidate
 */
export function exactMcNemarP(b: number, c: number): number {
    if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0)
        throw new RangeError(`McNemar needs whole, non-negative counts, not ${b} and ${c}`);
    const n = b + c;
    if (n === 0)
        return 1;
    const k = Math.min(b, c);
    // Binomial(n, 1/2) probabilities in log space: 0.5^n underflows past n ≈ 1074.
    let logTerm = -n * Math.LN2;
    let cumulative = Math.exp(logTerm);
    for (let i = 0; i < k; i++) {
        logTerm += Math.log((n - i) / (i + 1));
        cumulative += Math.exp(logTerm);
    }
    return Math.min(1, 2 * cumulative);
}
