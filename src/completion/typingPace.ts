import {median} from "simple-statistics";

/** Keystroke gaps longer than this are pauses, not typing speed. */
const PAUSE_MS = 1000;
const HISTORY = 16;

/**
 * Adaptive debounce from typing speed and recent model latency. When the model answers faster than
 * the user types, waiting only adds latency, so requests start at once. When it is slower, a request
 * started mid-burst is aborted by the next key anyway, and aborting costs a step of model work, so
 * the request waits about one typical keystroke gap (never more than `maxMs`) for the burst to end.
 */
export class TypingPace {
    private lastKeyAt: number | undefined;
    private readonly gaps: number[] = [];
    private readonly latencies: number[] = [];

    /** Records a keystroke (a completion request caused by typing). */
    keystroke(now: number): void {
        if (this.lastKeyAt != null) {
            const gap = now - this.lastKeyAt;
            if (gap > 0 && gap < PAUSE_MS)
                push(this.gaps, gap);
        }
        this.lastKeyAt = now;
    }

    /** Records how long a model request took from keystroke to suggestion. */
    modelLatency(ms: number): void {
        push(this.latencies, ms);
    }

    /**
     * Milliseconds to wait before asking the model. `baseMs` (the setting) is the wait with no
     * history yet; 0 turns debouncing off. Never more than `maxMs` (default 4 × `baseMs`).
     */
    debounceMs(baseMs: number, maxMs = baseMs * 4): number {
        if (baseMs <= 0)
            return 0;
        if (this.gaps.length < 3 || this.latencies.length === 0)
            return baseMs;
        const gap = median(this.gaps);
        if (median(this.latencies) <= gap)
            return 0;
        return Math.min(maxMs, Math.round(gap * 1.25));
    }
}

function push(values: number[], value: number): void {
    values.push(value);
    if (values.length > HISTORY)
        values.shift();
}
