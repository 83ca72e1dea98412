import type {LlamaModel} from "node-llama-cpp";
import {usePhaseThreads} from "./applyThreads";
import {measureOnce, sampleTokens} from "../engine/speedMeasure";
import {pickFastest, type ThreadSample} from "./decideThreads";

export interface ThreadProbeOptions {
    readonly model: LlamaModel;
    /** Counts to compare per phase; a phase with none is not measured. */
    readonly candidates: {readonly prompt: readonly number[]; readonly decode: readonly number[]};
    readonly signal?: AbortSignal;
    /** Tokens per prompt measurement. Default 128. */
    readonly promptTokens?: number;
    /** Tokens per decode measurement. Default 16. */
    readonly decodeTokens?: number;
    /** Stop repeating measurements after this long; each candidate is measured at least once. Default 5000 ms. */
    readonly budgetMs?: number;
    /** Most rounds over all candidates. Default 3. */
    readonly maxRounds?: number;
}

export interface ThreadProbeResult {
    /** Best tokens/s per candidate. */
    readonly prompt: readonly ThreadSample[];
    readonly decode: readonly ThreadSample[];
    readonly bestPrompt?: number;
    readonly bestDecode?: number;
    readonly ms: number;
}

/**
 * Measures prompt processing and decoding at a few thread counts on `model`, in this process
 * (where the JS thread competes with ggml's threads, which is the point). Uses its own small
 * context, so the serving context and its KV cache are untouched. Rounds alternate between the
 * candidates so a burst of load from elsewhere does not favour one of them; each keeps its best.
 */
export async function probeThreads(options: ThreadProbeOptions): Promise<ThreadProbeResult> {
    const startedAt = performance.now();
    const promptTokens = options.promptTokens ?? 128;
    const decodeTokens = options.decodeTokens ?? 16;
    const all = [...options.candidates.prompt, ...options.candidates.decode];
    if (all.length === 0)
        return {prompt: [], decode: [], ms: 0};
    const context = await options.model.createContext({
        contextSize: Math.max(256, promptTokens + decodeTokens + 16),
        batchSize: promptTokens,
        threads: Math.max(...all),
        sequences: 1
    });
    try {
        const threads = usePhaseThreads(context, {prompt: 1, decode: 1});
        if (threads == null)
            throw new Error("this node-llama-cpp version does not allow per-phase thread counts");
        const sequence = context.getSequence();
        const tokens = sampleTokens(options.model, promptTokens);
        const best = {prompt: new Map<number, number>(), decode: new Map<number, number>()};
        // Warm-up: first runs page in weights and size buffers.
        const top = Math.max(...all);
        await measureOnce(sequence, threads, {prompt: top, decode: top}, tokens.slice(0, 32), 4, options.signal);
        const maxRounds = options.maxRounds ?? 3;
        for (let round = 0; round < maxRounds; round++) {
            if (round > 0 && performance.now() - startedAt > (options.budgetMs ?? 5000))
                break;
            for (const n of orderFor(round, options.candidates.prompt))
                keepBest(best.prompt, n, (await measureOnce(sequence, threads, {prompt: n, decode: n}, tokens, 0, options.signal)).prompt);
            for (const n of orderFor(round, options.candidates.decode))
                keepBest(best.decode, n, (await measureOnce(sequence, threads, {prompt: n, decode: n}, tokens.slice(0, 1), decodeTokens, options.signal)).decode);
        }
        const prompt = samplesOf(best.prompt);
        const decode = samplesOf(best.decode);
        const bestPrompt = pickFastest(prompt)?.threads;
        const bestDecode = pickFastest(decode)?.threads;
        return {
            prompt, decode, ms: performance.now() - startedAt,
            ...(bestPrompt != null ? {bestPrompt} : {}),
            ...(bestDecode != null ? {bestDecode} : {})
        };
    } finally {
        await context.dispose();
    }
}

/** Alternates the order between rounds, so neither end of the list always runs first. */
function orderFor(round: number, candidates: readonly number[]): number[] {
    return round % 2 === 0 ? [...candidates] : [...candidates].reverse();
}

function keepBest(map: Map<number, number>, threads: number, rate: number): void {
    if (Number.isFinite(rate) && rate > (map.get(threads) ?? 0))
        map.set(threads, rate);
}

function samplesOf(map: Map<number, number>): ThreadSample[] {
    return [...map].map(([threads, tokensPerSecond]) => ({threads, tokensPerSecond})).sort((a, b) => a.threads - b.threads);
}
