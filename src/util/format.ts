const UNITS = ["B", "KB", "MB", "GB", "TB"];

/** "1.5 GB": binary multiples, the way operating systems report memory. */
export function formatBytes(bytes: number): string {
    if (!Number.isFinite(bytes))
        return "unknown";
    let value = Math.abs(bytes);
    let unit = 0;
    while (value >= 1024 && unit < UNITS.length - 1) {
        value /= 1024;
        unit++;
    }
    const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
    return `${bytes < 0 ? "-" : ""}${value.toFixed(digits)} ${UNITS[unit]}`;
}

export function formatCount(count: number): string {
    if (count >= 1e9)
        return `${(count / 1e9).toFixed(2)}B`;
    if (count >= 1e6)
        return `${(count / 1e6).toFixed(1)}M`;
    if (count >= 1e3)
        return `${(count / 1e3).toFixed(1)}K`;
    return String(count);
}
