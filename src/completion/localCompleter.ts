import type {Token} from "node-llama-cpp";
import {ModelNotCapableError, NoModelLoadedError} from "../engine/errors";
import type {ModelDescription} from "../engine/modelDescription";
import type {RequestMetricsSink} from "../engine/requestMetrics";
import type {TextModel, TokenSession} from "../engine/textModel";
import type {GenerateResult} from "../engine/tokenGeneration";
import {completionMetrics} from "./completionMetrics";
import {planCompletion, type CompletionPlan, type PlanningModel} from "./completionPlan";
import type {CompletionBackend, CompletionRequest, CompletionResult, WarmResult} from "./completionRequest";
import type {FimVocabulary} from "./fimPrompt";
import {finishSuggestion, isSuggestionDecided} from "./postProcess";
import {completionPromptParts} from "./promptTokens";
import {TokenMemo} from "./tokenMemo";

const DEFAULT_MAX_TOKENS = 64;
/** Prompt tokens per evaluation step for a keystroke's request: big enough to batch well. */
const FOREGROUND_STEP_TOKENS = 64;
/** Idle-time steps are small, so a keystroke never waits long for the model to be free. */
const BACKGROUND_STEP_TOKENS = 8;
/** Room left in the context for the generated tokens and the FIM markers. */
const CONTEXT_MARGIN = 8;

/** Where the completer finds the model: the engine (or a test double). */
export interface TextModelSource {
    readonly loaded: TextModel | undefined;
    /** Told how each request went (the panel listens), when present. */
    readonly requests?: RequestMetricsSink;
}

/**
 * Fill-in-the-middle completions from the in-process model: plans the prompt from the model's own
 * FIM tokens, generates greedily on the model's one sequence (its KV cache carries over between
 * keystrokes), stops once post-processing has decided the suggestion, and post-processes it. The
 * editor, the CLI and the benchmarks all complete through this one class.
 */
export class LocalCompleter implements CompletionBackend {
    /** Per loaded model: its FIM vocabulary and a memo of recent tokenizations. */
    private readonly planning = new WeakMap<TextModel, PlanningModel>();

    constructor(private readonly source: TextModelSource) {}

    get model(): ModelDescription | undefined {
        return this.source.loaded?.description;
    }

    async complete(request: CompletionRequest): Promise<CompletionResult> {
        const startedAt = performance.now();
        const model = this.requireModel();
        const result = await model.exclusive(request.signal, async (session, signal) => {
            const plan = this.plan(model, request);
            const generated = await session.generate(plan.prompt.tokens as Token[], {
                maxTokens: request.maxTokens ?? DEFAULT_MAX_TOKENS,
                ...(request.maxTimeMs != null ? {maxTimeMs: request.maxTimeMs} : {}),
                signal,
                startedAt,
                stepTokens: request.background === true ? BACKGROUND_STEP_TOKENS : FOREGROUND_STEP_TOKENS,
                ...(request.raw === true ? {} : {isDone: (raw: string) => isSuggestionDecided(raw, plan.suggestion)}),
                ...(request.onText != null ? {onText: request.onText} : {}),
                ...(request.predictor != null ? {predictor: request.predictor} : {})
            });
            const text = request.raw === true ? generated.text : finishSuggestion(generated.text, plan.suggestion);
            const suggestions = text === "" ? [] : [text];
            if ((request.count ?? 1) > 1)
                await addAlternatives(model, session, plan, generated, suggestions, request, signal, startedAt);
            return describeResult(text, suggestions, generated, plan, startedAt);
        });
        const sink = this.source.requests;
        if (sink?.hasListeners === true)
            sink.push(completionMetrics(result, model.description.fileName));
        return result;
    }

    /**
     * Idle-time warm-up: evaluates the prompt up to the part a keystroke on the current line changes,
     * so the next keystroke's request finds it in the KV cache. Small steps keep it abortable.
     */
    warm(request: CompletionRequest): Promise<WarmResult> {
        const startedAt = performance.now();
        const model = this.requireModel();
        return model.exclusive(request.signal, async (session, signal) => {
            const {prompt} = this.plan(model, request);
            const result = await session.evaluate(prompt.tokens.slice(0, prompt.warmLength) as Token[], {signal, stepTokens: BACKGROUND_STEP_TOKENS});
            return {...result, totalMs: performance.now() - startedAt};
        });
    }

    private requireModel(): TextModel {
        const model = this.source.loaded;
        if (model == null)
            throw new NoModelLoadedError();
        return model;
    }

    /** The request's plan, scaled down to fit the context with room for what is generated. */
    private plan(model: TextModel, request: CompletionRequest): CompletionPlan {
        const planning = this.planningModel(model);
        const room = model.contextSize - (request.maxTokens ?? DEFAULT_MAX_TOKENS) - CONTEXT_MARGIN;
        const plan = planCompletion(request, planning);
        if (plan.prompt.tokens.length <= room)
            return plan;
        const scale = Math.max(0.05, room / plan.prompt.tokens.length) * 0.9;
        const budget = plan.prompt.counts;
        return planCompletion({
            ...request,
            budget: {
                maxPrefixTokens: Math.floor(budget.stable * scale),
                maxSuffixTokens: Math.floor(budget.suffix * scale),
                maxContextTokens: Math.floor(budget.context * scale)
            }
        }, planning);
    }

    private planningModel(model: TextModel): PlanningModel {
        const known = this.planning.get(model);
        if (known != null)
            return known;
        const {fim, bos, specialTexts} = model.vocabulary;
        if (fim == null)
            throw new ModelNotCapableError(
                `${model.description.fileName} has no fill-in-the-middle tokens, so it cannot complete code at the cursor. ` +
                "Pick a code model trained for FIM (for example Qwen2.5-Coder)."
            );
        const vocabulary: FimVocabulary = {
            prefix: fim.prefix, suffix: fim.suffix, middle: fim.middle,
            ...(fim.repoName != null ? {repoName: fim.repoName} : {}),
            ...(fim.fileSep != null ? {fileSep: fim.fileSep} : {}),
            ...(bos != null ? {bos} : {})
        };
        const planning: PlanningModel = {fim: vocabulary, tokenizer: new TokenMemo((text) => model.tokenize(text)), specialTexts};
        this.planning.set(model, planning);
        return planning;
    }
}

/** Alternatives branch on the next most likely first tokens and continue greedily. */
async function addAlternatives(
    model: TextModel, session: TokenSession, plan: CompletionPlan, first: GenerateResult, suggestions: string[],
    request: CompletionRequest, signal: AbortSignal, startedAt: number
): Promise<void> {
    const count = Math.min(request.count ?? 1, 5);
    const prompt = plan.prompt.tokens as Token[];
    const exclude = new Set<Token>(first.tokens.slice(0, 1));
    const candidates = await session.likelyFirstTokens(prompt, count * 2, exclude, {signal});
    for (const token of candidates) {
        if (suggestions.length >= count)
            break;
        const head = model.detokenize([token]);
        const rest = await session.generate([...prompt, token], {
            maxTokens: Math.max(0, (request.maxTokens ?? DEFAULT_MAX_TOKENS) - 1),
            ...(request.maxTimeMs != null ? {maxTimeMs: request.maxTimeMs} : {}),
            signal, startedAt, stepTokens: FOREGROUND_STEP_TOKENS,
            isDone: (raw) => isSuggestionDecided(head + raw, plan.suggestion)
        });
        const text = finishSuggestion(model.detokenize([token, ...rest.tokens]), plan.suggestion);
        if (text !== "" && !suggestions.includes(text))
            suggestions.push(text);
    }
}

function describeResult(text: string, suggestions: string[], generated: GenerateResult, plan: CompletionPlan, startedAt: number): CompletionResult {
    const firstTokenAt = generated.firstTokenAt ?? generated.finishedAt;
    const decodeSeconds = (generated.finishedAt - firstTokenAt) / 1000;
    const tokens = generated.tokens.length;
    return {
        text,
        suggestions,
        rawText: generated.text,
        ttftMs: firstTokenAt - startedAt,
        tokens,
        tokensPerSecond: tokens > 1 && decodeSeconds > 0 ? (tokens - 1) / decodeSeconds : 0,
        promptTokensEvaluated: generated.promptTokensEvaluated,
        promptTokensReused: generated.promptTokensReused,
        promptTokens: plan.prompt.tokens.length,
        stopReason: generated.stopReason,
        totalMs: performance.now() - startedAt,
        speculation: generated.speculation,
        promptParts: completionPromptParts(plan.prompt, plan.budget)
    };
}
