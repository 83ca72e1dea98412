import {ReferenceWindowBuilder, type ReferenceWindow} from "../stats/referenceWindow";
import {WindowComparer, type WindowComparison} from "../stats/windowComparison";
import {scoredPositions, type TokenWindow} from "../corpus/windows";
import type {ReferenceCache} from "./referenceCache";
import type {ScoringModel} from "./scoringModel";

/** Fewer windows than this give no usable interval, so a budget never cuts below it. */
export const MIN_WINDOWS = 2;

export interface ReferencePassOptions {
    /** Windows in the order they are taken (a seeded shuffle, so a budget still mixes the texts). */
    readonly windows: readonly TokenWindow[];
    /** Loads the reference the first time a window is not in the cache. */
    readonly reference: () => Promise<ScoringModel>;
    readonly cache: ReferenceCache | undefined;
    readonly vocabularySize: number;
    readonly topK: number;
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
    let spent = 0;
    let cached = 0;
    for (const window of options.windows) {
        if (records.length >= MIN_WINDOWS && options.referenceSeconds != null && spent >= options.referenceSeconds)
            break;
        options.signal?.throwIfAborted();
        const hit = await options.cache?.getWindow(window.tokens);
        if (hit != null && hit.window.positions === scoredPositions(window.tokens.length).count) {
            records.push({...hit.window, windowIndex: window.index});
            spent += hit.evaluationSeconds;
            cached++;
        } else {
            const started = performance.now();
            const model = await options.reference();
            const record = await evaluateReference(model, window, options.vocabularySize, options.topK, options.signal);
            const seconds = (performance.now() - started) / 1000;
            spent += seconds;
            records.push(record);
            await options.cache?.putWindow(window.tokens, {window: record, evaluationSeconds: seconds});
        }
        options.onWindow?.(records.length, options.windows.length, hit != null);
    }
    return {records, cached};
}

async function evaluateReference(
    model: ScoringModel, window: TokenWindow, vocabularySize: number, topK: number, signal: AbortSignal | undefined
): Promise<ReferenceWindow> {
    const {first, last} = scoredPositions(window.tokens.length);
    const builder = new ReferenceWindowBuilder(window.index, vocabularySize, topK);
    await model.scoreWindow(window.tokens, first, last, (position, d) => builder.add(d, window.tokens[position + 1]!), signal);
    return builder.build();
}

/** Evaluates a candidate on exactly the reference's windows and compares token by token. */
export async function candidatePass(
    model: ScoringModel,
    records: readonly ReferenceWindow[],
    windows: ReadonlyMap<number, TokenWindow>,
    signal?: AbortSignal,
    onWindow?: (done: number, total: number) => void
): Promise<WindowComparison[]> {
    const comparisons: WindowComparison[] = [];
    for (const record of records) {
        signal?.throwIfAborted();
        const window = windows.get(record.windowIndex)!;
        const {first, last} = scoredPositions(window.tokens.length);
        const comparer = new WindowComparer(record);
        await model.scoreWindow(window.tokens, first, last, (_, d) => comparer.add(d), signal);
        comparisons.push(comparer.finish());
        onWindow?.(comparisons.length, records.length);
    }
    return comparisons;
}
