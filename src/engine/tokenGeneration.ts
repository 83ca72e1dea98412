import type {LlamaContextSequence, LlamaModel, Token} from "node-llama-cpp";
import {abortError} from "../util/abort";

export interface GenerateOptions {
    readonly maxTokens: number;
    readonly maxTimeMs?: number;
    readonly signal?: AbortSignal;
    /** When the request started, so time to first token includes waiting for the model. */
    readonly startedAt: number;
}

export interface GenerateResult {
    readonly tokens: Token[];
    readonly text: string;
    readonly firstTokenAt: number | undefined;
    readonly finishedAt: number;
    readonly promptTokensEvaluated: number;
    readonly promptTokensReused: number;
    readonly stopReason: "eog" | "maxTokens" | "maxTime";
}

/**
 * Greedy generation from a token prompt, reusing whatever prefix of the prompt the sequence's KV
 * cache already holds: only the tokens after the longest common prefix are evaluated.
 * An abort stops between tokens, so the cache always matches `sequence.contextTokens`.
 */
export async function generateFromTokens(
    sequence: LlamaContextSequence,
    prompt: readonly Token[],
    options: GenerateOptions
): Promise<GenerateResult> {
    const reused = await keepCommonPrefix(sequence, prompt);
    const model = sequence.model;
    const tokens: Token[] = [];
    let firstTokenAt: number | undefined;
    let stopReason: GenerateResult["stopReason"] = "maxTokens";
    options.signal?.throwIfAborted();
    if (options.maxTokens > 0) {
        for await (const token of sequence.evaluate(prompt.slice(reused), {temperature: 0, yieldEogToken: true})) {
            firstTokenAt ??= performance.now();
            if (options.signal?.aborted)
                break;
            if (model.isEogToken(token)) {
                stopReason = "eog";
                break;
            }
            tokens.push(token);
            if (tokens.length >= options.maxTokens)
                break;
            if (pastTimeBudget(options, model, tokens)) {
                stopReason = "maxTime";
                break;
            }
        }
    }
    if (options.signal?.aborted)
        throw abortError();
    return {
        tokens,
        text: model.detokenize(tokens),
        firstTokenAt,
        finishedAt: performance.now(),
        promptTokensEvaluated: prompt.length - reused,
        promptTokensReused: reused,
        stopReason
    };
}

/**
 * Erases the cached tokens that differ from the prompt and returns how many it kept. At least
 * one prompt token is always left to evaluate, because generation needs its logits.
 */
async function keepCommonPrefix(sequence: LlamaContextSequence, prompt: readonly Token[]): Promise<number> {
    const cached = sequence.contextTokens;
    let common = 0;
    const limit = Math.min(cached.length, prompt.length - 1);
    while (common < limit && cached[common] === prompt[common])
        common++;
    if (common < sequence.nextTokenIndex)
        await sequence.eraseContextTokenRanges([{start: common, end: sequence.nextTokenIndex}]);
    return common;
}

function pastTimeBudget(options: GenerateOptions, model: LlamaModel, tokens: readonly Token[]): boolean {
    if (options.maxTimeMs == null || performance.now() - options.startedAt < options.maxTimeMs)
        return false;
    return model.detokenize(tokens).includes("\n");
}
