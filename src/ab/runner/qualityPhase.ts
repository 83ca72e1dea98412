import type {ReferenceWindow} from "../stats/referenceWindow";
import type {WindowComparison} from "../stats/windowComparison";
import {scoredPositions, type TokenWindow} from "../corpus/windows";
import type {ReferenceCache} from "./referenceCache";
import type {WindowScorer} from "./windowScorer";

/** Fewer windows than this give no usable interval, so a budget never cuts below it. */
export const MIN_WINDOWS = 2;

export interface ReferencePassOptions {
    /** Windows in the order they are taken (a seeded shuffle, so a budget still mixes the texts). */
    readonly windows: readonly TokenWindow[];
    /** Loads the reference the first time a window is not in the cache. */
    readonly reference: () => Promise<WindowScorer>;
    /** Where the records go (a temporary one when the run caches nothing). */
    readonly cache: ReferenceCache;
    /**
     * Seconds of reference evaluation after which no more windows are taken (cached windows
     * count with the time they took when evaluated). Default: no limit.
     */
    readonly referenceSeconds?: number;
    readonly signal?: AbortSignal;
    readonly onWindow?: (done: number, total: number, cached: boolean) => void;
}

export interface ReferencePass {
    readonly records: ReferenceWindow[];
    readonly cached: number;
}

/** Evaluates (or reads from the cache) the reference's record of each window, within the budget. */
export async function referencePass(options: ReferencePassOptions): Promise<ReferencePass> {
    const records: ReferenceWindow[] = [];
    const cache = options.cache;
    let spent = 0;
    let cached = 0;
    for (const window of options.windows) {
        if (records.length >= MIN_WINDOWS && options.referenceSeconds != null && spent >= options.referenceSeconds)
            break;
        options.signal?.throwIfAborted();
        const hit = await cache.getWindow(window.tokens);
        if (hit != null && hit.window.positions === scoredPositions(window.tokens.length).count) {
            records.push({...hit.window, windowIndex: window.index});
            spent += hit.evaluationSeconds;
            cached++;
        } else {
            const scorer = await options.reference();
            const stored = await scorer.reference(window, cache.pendingPath(window.tokens), options.signal);
            await cache.commitWindow(window.tokens);
            spent += stored.evaluationSeconds;
            records.push(stored.window);
        }
        options.onWindow?.(records.length, options.windows.length, hit != null);
    }
    return {records, cached};
}

/** Evaluates a candidate on exactly the reference's windows and compares token by token. */
export async function candidatePass(
    scorer: WindowScorer,
    records: readonly ReferenceWindow[],
    windows: ReadonlyMap<number, TokenWindow>,
    cache: ReferenceCache,
    signal?: AbortSignal,
    onWindow?: (done: number, total: number) => void
): Promise<WindowComparison[]> {
    const comparisons: WindowComparison[] = [];
    for (const record of records) {
        signal?.throwIfAborted();
        const window = windows.get(record.windowIndex)!;
        comparisons.push(await scorer.compare(window, cache.windowPath(window.tokens), signal));
        onWindow?.(comparisons.length, records.length);
    }
    return comparisons;
}
