/**
 * Figures as both webview apps write them. Bytes and counts are not here: they come from the
 * host's own src/util/format.ts (pure, imports nothing), so the panel and the host never disagree.
 */

export function percent(value: number | null | undefined, digits = 0): string {
    return value == null ? "—" : `${value.toFixed(digits)} %`;
}

export function milliseconds(ms: number): string {
    return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

export function rate(perSecond: number | null): string {
    if (perSecond == null)
        return "—";
    return perSecond >= 100 ? `${Math.round(perSecond)} t/s` : `${perSecond.toFixed(1)} t/s`;
}

export function watts(value: number): string {
    return value >= 100 ? `${Math.round(value)} W` : `${value.toFixed(1)} W`;
}

export function joules(value: number): string {
    return value >= 1 ? `${value.toFixed(2)} J` : `${(value * 1000).toFixed(0)} mJ`;
}

export function interval(ms: number): string {
    return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** "12.3 s ago" style age of a reading, for stale values. */
export function age(at: number, now = Date.now()): string {
    const seconds = Math.max(0, (now - at) / 1000);
    return seconds < 60 ? `${seconds.toFixed(0)} s ago` : `${Math.round(seconds / 60)} min ago`;
}
