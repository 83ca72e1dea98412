import type {Interval} from "../stats/bootstrap";

/** Three significant digits, without exponent notation for the values reports show. */
export function sig(value: number, digits = 3): string {
    if (!Number.isFinite(value))
        return "n/a";
    if (value === 0)
        return "0";
    const magnitude = Math.floor(Math.log10(Math.abs(value)));
    const decimals = Math.max(0, digits - 1 - magnitude);
    return decimals > 8 ? value.toExponential(digits - 1) : value.toFixed(decimals);
}

export function interval(ci: Interval, format: (v: number) => string = sig): string {
    return `[${format(ci[0])}, ${format(ci[1])}]`;
}

/** A 0–1 rate as a percentage with one decimal: "92.4 %". */
export function percent(rate: number, decimals = 1): string {
    return Number.isFinite(rate) ? `${(rate * 100).toFixed(decimals)} %` : "n/a";
}

/** A difference of rates in percentage points, signed: "+2.0", "−8.3". */
export function points(difference: number): string {
    const value = (difference * 100).toFixed(1);
    return difference > 0 ? `+${value}` : difference < 0 ? `\u2212${value.slice(1)}` : value;
}

export function ratio(value: number): string {
    return `${value >= 10 ? value.toFixed(0) : value.toFixed(1)}\u00d7`;
}
