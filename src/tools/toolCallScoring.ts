/** A BFCL-"simple"-style case: one request, one expected call. */
export interface FunctionCallCase {
    readonly id: string;
    readonly request: string;
    readonly expected: {
        readonly name: string;
        /** A value, or `{"$anyOf": [...]}` for several accepted values; null matches null or absent. */
        readonly arguments: Readonly<Record<string, unknown>>;
    };
}

/** Keys whose values are paths or globs, where a leading "./" means nothing. */
const PATH_KEYS = new Set(["path", "pattern", "include"]);

/** Exact function name and argument match, after light normalization (trim, "./", null = absent). */
export function callMatches(expected: FunctionCallCase["expected"], name: string, params: unknown): boolean {
    if (name !== expected.name)
        return false;
    const actual = isRecord(params) ? params : {};
    const keys = new Set([...Object.keys(expected.arguments), ...Object.keys(actual)]);
    for (const key of keys)
        if (!valueMatches(expected.arguments[key] ?? null, actual[key] ?? null, key))
            return false;
    return true;
}

function valueMatches(expected: unknown, actual: unknown, key: string): boolean {
    if (isRecord(expected) && Array.isArray(expected.$anyOf))
        return expected.$anyOf.some((option) => valueMatches(option, actual, key));
    return JSON.stringify(normalize(expected, key)) === JSON.stringify(normalize(actual, key));
}

function normalize(value: unknown, key: string): unknown {
    if (typeof value !== "string")
        return value;
    const trimmed = value.trim();
    return PATH_KEYS.has(key) ? trimmed.replace(/^\.\/(?=.)/, "") : trimmed;
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return value != null && typeof value === "object" && !Array.isArray(value);
}

/** Wilson score interval for a proportion (95 % by default): sound at small n and at 0 or n successes. */
export function wilsonInterval(successes: number, trials: number, z = 1.959964): [number, number] {
    if (trials === 0)
        return [0, 1];
    const p = successes / trials;
    const denominator = 1 + (z * z) / trials;
    const center = (p + (z * z) / (2 * trials)) / denominator;
    const half = (z * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials))) / denominator;
    return [Math.max(0, center - half), Math.min(1, center + half)];
}
