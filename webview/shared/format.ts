import {formatBytes, formatCount} from "../../src/util/format";
import type {Reading} from "../../src/hardware/hardwareSnapshot";

export {formatBytes, formatCount};

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

/**
 * What to write where a reading has no value. A missing sensor says why; it never becomes 0.
 */
export function missingText(reading: Exclude<Reading<unknown>, {status: "ok"}>): string {
    switch (reading.status) {
        case "waiting":
            return "measuring…";
        case "unavailable":
            return reading.note;
        case "disabled":
            return reading.note;
    }
}
