import type {LlamaContextSequence, LlamaModel, Token} from "node-llama-cpp";
import type {PhaseThreadCounts, PhaseThreads} from "../threads/applyThreads";
import {median} from "simple-statistics";
import {usePhaseThreads} from "../threads/applyThreads";

export interface SpeedRun {
    /** Prompt tokens per second (0 when no prompt was measured). */
    readonly prompt: number;
    /** Decoded tokens per second (0 when no decoding was measured). */
    readonly decode: number;
}

/**
 * One measurement on a fresh sequence: a prompt batch of `prompt.length` tokens (when more than
 * one), then `decode` greedy single-token steps, with `threads` per phase.
 */
export async function measureOnce(
    sequence: LlamaContextSequence,
    phaseThreads: PhaseThreads,
    threads: PhaseThreadCounts,
    prompt: readonly Token[],
    decode: number,
    signal?: AbortSignal
): Promise<SpeedRun> {
    signal?.throwIfAborted();
    phaseThreads.set(threads);
    await sequence.clearHistory();
    let promptRate = 0;
    if (prompt.length > 1) {
        const t0 = performance.now();
        await sequence.evaluateWithoutGeneratingNewTokens([...prompt]);
        promptRate = prompt.length / ((performance.now() - t0) / 1000);
    }
    let decodeRate = 0;
    if (decode > 0) {
        let produced = 0;
        let t0 = 0;
        // The first step evaluates the last prompt token, like a request's first token; the clock starts after it.
        for await (const token of sequence.evaluate([prompt[prompt.length - 1]!], {temperature: 0})) {
            void token;
            if (produced === 0)
                t0 = performance.now();
            if (++produced > decode || signal?.aborted)
                break;
        }
        signal?.throwIfAborted();
        decodeRate = decode / ((performance.now() - t0) / 1000);
    }
    return {prompt: promptRate, decode: decodeRate};
}

/** Plausible code tokens (what a prompt looks like), not special tokens. */
export function sampleTokens(model: LlamaModel, count: number): Token[] {
    const text = "function add(a, b) {\n    return a + b;\n}\n\nconst total = values.reduce((sum, v) => add(sum, v), 0);\n" +
        "for (const item of items) {\n    if (item.enabled)\n        console.log(item.name, item.size);\n}\n";
    let tokens = model.tokenize(text, false);
    if (tokens.length === 0)
        tokens = [0 as Token];
    const out: Token[] = [];
    while (out.length < count)
        out.push(...tokens);
    return out.slice(0, count);
}

export interface EngineSpeedOptions {
    readonly threads: PhaseThreadCounts;
    /** Default 512 (llama-bench's pp512). */
    readonly promptTokens?: number;
    /** Default 128 (llama-bench's tg128). */
    readonly decodeTokens?: number;
    /** Measured runs after one warm-up run. Default 3. */
    readonly repeats?: number;
    readonly signal?: AbortSignal;
}

export interface EngineSpeed {
    /** Median prompt tokens per second. */
    readonly prompt: number;
    /** Median decoded tokens per second. */
    readonly decode: number;
    readonly runs: readonly SpeedRun[];
}

/**
 * Prompt processing and decoding speed of `model` as QuantPilot runs it (same per-phase thread
 * switching, same sampling loop), the median of `repeats` runs after a warm-up, on a context of
 * its own. Prompt and decode are measured in separate runs, like llama-bench's pp and tg tests.
 */
export async function measureEngineSpeed(model: LlamaModel, options: EngineSpeedOptions): Promise<EngineSpeed> {
    const promptTokens = options.promptTokens ?? 512;
    const decodeTokens = options.decodeTokens ?? 128;
    const context = await model.createContext({
        contextSize: Math.max(256, promptTokens + decodeTokens + 16),
        batchSize: promptTokens,
        threads: Math.max(options.threads.prompt, options.threads.decode),
        sequences: 1
    });
    try {
        const phaseThreads = usePhaseThreads(context, options.threads);
        if (phaseThreads == null)
            throw new Error("this node-llama-cpp version does not allow per-phase thread counts");
        const sequence = context.getSequence();
        const tokens = sampleTokens(model, promptTokens);
        await measureOnce(sequence, phaseThreads, options.threads, tokens.slice(0, 64), 8, options.signal);
        const runs: SpeedRun[] = [];
        for (let i = 0; i < (options.repeats ?? 3); i++) {
            const prompt = (await measureOnce(sequence, phaseThreads, options.threads, tokens, 0, options.signal)).prompt;
            const decode = (await measureOnce(sequence, phaseThreads, options.threads, tokens.slice(0, 1), decodeTokens, options.signal)).decode;
            runs.push({prompt, decode});
        }
        return {prompt: median(runs.map((r) => r.prompt)), decode: median(runs.map((r) => r.decode)), runs};
    } finally {
        await context.dispose();
    }
}
