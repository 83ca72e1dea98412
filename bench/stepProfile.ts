/**
 * Where a generation's time goes, per model step: every native `decodeBatch` of a context timed
 * with its batch size, every `sampleToken` call timed, and the rest of the wall time (JS between
 * steps, the predictor, KV erasing after a refuted guess) as "other".
 *
 * Bench-only: it wraps methods of node-llama-cpp's native context object (`context._ctx`), the
 * same internals src/threads/applyThreads.ts adapts; nothing in src depends on it.
 */
import type {LlamaContext} from "node-llama-cpp";

interface NativeContext {
    initBatch(size: number): void;
    decodeBatch(): Promise<void>;
    sampleToken(...args: unknown[]): Promise<unknown>;
}

/** Decode time by batch size (1 = a plain decode step; more = a step checking guesses). */
export interface StepTimes {
    steps: number;
    decodeMs: number;
}

export interface ProfileTotals {
    /** Batch size -> how many steps of that size, and their decode time. */
    readonly bySize: Map<number, StepTimes>;
    sampleCalls: number;
    sampleMs: number;
}

export interface StepProfile {
    readonly totals: ProfileTotals;
    /** Starts counting into a fresh set of totals and returns the previous ones. */
    take(): ProfileTotals;
}

export function emptyProfileTotals(): ProfileTotals {
    return {bySize: new Map(), sampleCalls: 0, sampleMs: 0};
}

/** Times `context`'s native steps; undefined when this node-llama-cpp lacks the internals. */
export function profileSteps(context: LlamaContext): StepProfile | undefined {
    const native = (context as unknown as {_ctx?: Partial<NativeContext>})._ctx;
    if (native == null || typeof native.initBatch !== "function" || typeof native.decodeBatch !== "function" ||
        typeof native.sampleToken !== "function")
        return undefined;
    const initBatch = native.initBatch.bind(native);
    const decodeBatch = native.decodeBatch.bind(native);
    const sampleToken = native.sampleToken.bind(native);
    let totals = emptyProfileTotals();
    let size = 0;
    define(native, "initBatch", (n: number) => {
        size = n;
        initBatch(n);
    });
    define(native, "decodeBatch", async () => {
        const started = performance.now();
        await decodeBatch();
        const entry = totals.bySize.get(size) ?? {steps: 0, decodeMs: 0};
        entry.steps++;
        entry.decodeMs += performance.now() - started;
        totals.bySize.set(size, entry);
    });
    define(native, "sampleToken", async (...args: unknown[]) => {
        const started = performance.now();
        try {
            return await sampleToken(...args);
        } finally {
            totals.sampleCalls++;
            totals.sampleMs += performance.now() - started;
        }
    });
    return {
        get totals() {
            return totals;
        },
        take() {
            const taken = totals;
            totals = emptyProfileTotals();
            return taken;
        }
    };
}

export function addProfileTotals(into: ProfileTotals, from: ProfileTotals): void {
    for (const [size, times] of from.bySize) {
        const entry = into.bySize.get(size) ?? {steps: 0, decodeMs: 0};
        entry.steps += times.steps;
        entry.decodeMs += times.decodeMs;
        into.bySize.set(size, entry);
    }
    into.sampleCalls += from.sampleCalls;
    into.sampleMs += from.sampleMs;
}

/**
 * A summary for the benchmark's JSON: ms per step for single-token steps and for each guess-batch
 * size up to the prompt batches (which are left out: they are the prompt, not decoding).
 */
export function profileSummary(totals: ProfileTotals, maxStepSize = 16) {
    const sizes = [...totals.bySize.entries()].filter(([size]) => size <= maxStepSize).sort((a, b) => a[0] - b[0]);
    const single = totals.bySize.get(1);
    const singleMs = single != null && single.steps > 0 ? single.decodeMs / single.steps : null;
    return {
        msPerStepBySize: Object.fromEntries(sizes.map(([size, t]) => [size, {
            steps: t.steps,
            ms: round(t.decodeMs / t.steps),
            ...(singleMs != null ? {timesSingle: round(t.decodeMs / t.steps / singleMs)} : {})
        }])),
        stepDecodeMs: Math.round(sizes.reduce((sum, [, t]) => sum + t.decodeMs, 0)),
        sampleCalls: totals.sampleCalls,
        sampleMsPerCall: totals.sampleCalls > 0 ? round(totals.sampleMs / totals.sampleCalls, 3) : null
    };
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

function define<K extends keyof NativeContext>(native: Partial<NativeContext>, key: K, value: NativeContext[K]): void {
    Object.defineProperty(native, key, {value, configurable: true, writable: true});
}
