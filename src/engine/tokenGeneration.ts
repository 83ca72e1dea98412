import type {LlamaContextSequence, Token} from "node-llama-cpp";
import {abortError} from "../util/abort";
import {speculationStats, type PredictorKind, type SpeculationStats} from "./speculative/speculation";
import {speculativeSteps, type GuessCounts} from "./speculative/speculativeSteps";
import type {SwitchablePredictor} from "./speculative/switchablePredictor";

export interface EvaluateOptions {
    readonly signal?: AbortSignal;
    /**
     * Prompt tokens evaluated per step; the abort signal is checked between steps, and what was
     * evaluated before an abort stays in the KV cache for the next request. Default: 64.
     */
    readonly stepTokens?: number;
}

export interface GenerateOptions extends EvaluateOptions {
    readonly maxTokens: number;
    readonly maxTimeMs?: number;
    /** When the request started, so time to first token includes waiting for the model. */
    readonly startedAt: number;
    /** Called with the text so far after each token; true stops generation (the result is decided). */
    readonly isDone?: (text: string) => boolean;
    /** Called with the text so far after each token. */
    readonly onText?: (text: string) => void;
    /** What guesses tokens ahead (the output is the same with each). Default: the loaded model's setting. */
    readonly predictor?: PredictorKind;
}

export interface GenerateResult {
    readonly tokens: Token[];
    readonly text: string;
    readonly firstTokenAt: number | undefined;
    readonly finishedAt: number;
    readonly promptTokensEvaluated: number;
    readonly promptTokensReused: number;
    readonly stopReason: "eog" | "maxTokens" | "maxTime" | "decided";
    /** How guessing ahead went. */
    readonly speculation: SpeculationStats;
}

export interface EvaluateResult {
    readonly promptTokensEvaluated: number;
    readonly promptTokensReused: number;
}

const DEFAULT_STEP_TOKENS = 64;

/**
 * Greedy generation from a token prompt, reusing whatever prefix of the prompt the sequence's KV
 * cache already holds: only the tokens after the longest common prefix are evaluated.
 * An abort stops between steps or tokens, so the cache always matches `sequence.contextTokens`.
 * Special tokens (EOG, FIM markers, file separators) end generation and never reach the text.
 * With `predictor`, tokens guessed ahead are checked in batches; greedy output does not change.
 */
export async function generateFromTokens(
    sequence: LlamaContextSequence,
    prompt: readonly Token[],
    options: GenerateOptions,
    predictor?: SwitchablePredictor
): Promise<GenerateResult> {
    const kind = resolvePredictor(options.predictor, predictor);
    predictor?.use(kind, prompt);
    const counts: GuessCounts = {steps: 0, accepted: 0, rejected: 0};
    const evaluated = await evaluatePrompt(sequence, prompt.slice(0, -1), options);
    const model = sequence.model;
    const tokens: Token[] = [];
    let text = "";
    let firstTokenAt: number | undefined;
    let stopReason: GenerateResult["stopReason"] = "maxTokens";
    options.signal?.throwIfAborted();
    if (options.maxTokens > 0) {
        const generated = kind === "none" || predictor == null
            ? sequence.evaluate(prompt.slice(-1), {temperature: 0, yieldEogToken: true})
            : eachToken(speculativeSteps(sequence, prompt[prompt.length - 1]!, predictor, predictor.budgetFor(kind), counts));
        for await (const token of generated) {
            firstTokenAt ??= performance.now();
            if (options.signal?.aborted)
                break;
            if (model.isEogToken(token) || model.isSpecialToken(token)) {
                stopReason = "eog";
                break;
            }
            tokens.push(token);
            text = model.detokenize(tokens);
            options.onText?.(text);
            if (tokens.length >= options.maxTokens)
                break;
            if (options.isDone?.(text) === true) {
                stopReason = "decided";
                break;
            }
            if (pastTimeBudget(options, text)) {
                stopReason = "maxTime";
                break;
            }
        }
    }
    if (options.signal?.aborted)
        throw abortError();
    return {
        tokens,
        text,
        firstTokenAt,
        finishedAt: performance.now(),
        // The last prompt token is always evaluated, for its logits.
        promptTokensEvaluated: evaluated.promptTokensEvaluated + 1,
        promptTokensReused: evaluated.promptTokensReused,
        stopReason,
        speculation: speculationStats(kind, counts, tokens.length)
    };
}

async function* eachToken(steps: AsyncIterable<Token[]>): AsyncGenerator<Token> {
    for await (const decided of steps)
        yield* decided;
}

function resolvePredictor(requested: PredictorKind | undefined, predictor: SwitchablePredictor | undefined): PredictorKind {
    if (predictor == null || requested == null || (requested === "draftModel" && !predictor.hasDraft))
        return "none";
    return requested;
}

/**
 * Makes the sequence hold exactly `tokens`, evaluating only what is not cached, in steps. Used for
 * prompts before generation and for warm-ups (idle-time evaluation of the part that stays stable).
 */
export async function evaluatePrompt(sequence: LlamaContextSequence, tokens: readonly Token[], options: EvaluateOptions = {}): Promise<EvaluateResult> {
    options.signal?.throwIfAborted();
    const reused = await keepCommonPrefix(sequence, tokens);
    const step = Math.max(1, options.stepTokens ?? DEFAULT_STEP_TOKENS);
    for (let start = reused; start < tokens.length; start += step) {
        options.signal?.throwIfAborted();
        await sequence.evaluateWithoutGeneratingNewTokens(tokens.slice(start, start + step) as Token[]);
    }
    return {promptTokensEvaluated: tokens.length - reused, promptTokensReused: reused};
}

/**
 * The most likely first tokens after `prompt`, best first, leaving out `exclude`, special tokens and
 * tokens without visible text. Evaluates at most the last prompt token (the rest is cached).
 */
export async function likelyFirstTokens(
    sequence: LlamaContextSequence,
    prompt: readonly Token[],
    count: number,
    exclude: ReadonlySet<Token>,
    options: EvaluateOptions = {},
    predictor?: SwitchablePredictor
): Promise<Token[]> {
    predictor?.use("none", prompt);
    await evaluatePrompt(sequence, prompt.slice(0, -1), options);
    const model = sequence.model;
    let probabilities: ReadonlyMap<Token, number> | undefined;
    for await (const output of sequence.evaluateWithMetadata(prompt.slice(-1), {probabilities: true}, {temperature: 0, yieldEogToken: true})) {
        probabilities = output.probabilities;
        break;
    }
    options.signal?.throwIfAborted();
    const picked: Token[] = [];
    for (const [token] of [...(probabilities ?? new Map<Token, number>())].sort((a, b) => b[1] - a[1])) {
        if (picked.length >= count)
            break;
        if (!exclude.has(token) && !model.isSpecialToken(token) && !model.isEogToken(token) && model.detokenize([token]).trim() !== "")
            picked.push(token);
    }
    return picked;
}

/**
 * Erases the cached tokens that differ from the prompt and returns how many it kept.
 */
async function keepCommonPrefix(sequence: LlamaContextSequence, prompt: readonly Token[]): Promise<number> {
    const cached = sequence.contextTokens;
    let common = 0;
    const limit = Math.min(cached.length, prompt.length);
    while (common < limit && cached[common] === prompt[common])
        common++;
    if (common < sequence.nextTokenIndex)
        await sequence.eraseContextTokenRanges([{start: common, end: sequence.nextTokenIndex}]);
    return common;
}

function pastTimeBudget(options: GenerateOptions, text: string): boolean {
    if (options.maxTimeMs == null || performance.now() - options.startedAt < options.maxTimeMs)
        return false;
    return text.includes("\n");
}

