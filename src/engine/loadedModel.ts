import type {LlamaContext, LlamaContextSequence, LlamaModel, Token} from "node-llama-cpp";
import {planCompletion, type CompletionPlan, type PlanningModel} from "../completion/completionPlan";
import type {FimVocabulary} from "../completion/fimPrompt";
import {finishSuggestion, isSuggestionDecided} from "../completion/postProcess";
import {TokenMemo} from "../completion/tokenMemo";
import {anySignal} from "../util/abort";
import {SerialQueue} from "../util/serialQueue";
import type {CompletionRequest, CompletionResult, ModelDescription, WarmResult} from "./engine";
import {ModelNotCapableError} from "./errors";
import {evaluatePrompt, generateFromTokens, likelyFirstTokens, type GenerateResult} from "./tokenGeneration";

const DEFAULT_MAX_TOKENS = 64;
/** Prompt tokens per evaluation step for a keystroke's request: big enough to batch well. */
const FOREGROUND_STEP_TOKENS = 64;
/** Idle-time steps are small, so a keystroke never waits long for the model to be free. */
const BACKGROUND_STEP_TOKENS = 8;
/** Room left in the context for the generated tokens and the FIM markers. */
const CONTEXT_MARGIN = 8;

/**
 * One loaded model with the context its completions run in. Everything that belongs to the
 * model's lifetime is owned here and goes away in `dispose()`, after in-flight work has stopped.
 * Requests run one at a time on one sequence whose KV cache carries over between them.
 */
export class LoadedModel {
    private readonly queue = new SerialQueue();
    private readonly lifetime = new AbortController();
    private readonly sequence: LlamaContextSequence;
    private planning: PlanningModel | undefined;

    constructor(
        readonly description: ModelDescription,
        readonly model: LlamaModel,
        private readonly context: LlamaContext
    ) {
        this.sequence = context.getSequence();
    }

    get disposed(): boolean {
        return this.lifetime.signal.aborted;
    }

    /** The context, for read-only figures (memory, KV cache size); see modelMemory.ts. */
    get llamaContext(): LlamaContext {
        return this.context;
    }

    /** Tokens the sequence's KV cache holds now. */
    get contextTokens(): number {
        return this.sequence.nextTokenIndex;
    }

    complete(request: CompletionRequest): Promise<CompletionResult> {
        const startedAt = performance.now();
        const signal = anySignal([request.signal, this.lifetime.signal]);
        return this.queue.run(async () => {
            signal.throwIfAborted();
            const plan = this.plan(request);
            const maxTokens = request.maxTokens ?? DEFAULT_MAX_TOKENS;
            const generated = await generateFromTokens(this.sequence, plan.prompt.tokens as Token[], {
                maxTokens,
                ...(request.maxTimeMs != null ? {maxTimeMs: request.maxTimeMs} : {}),
                signal,
                startedAt,
                stepTokens: request.background === true ? BACKGROUND_STEP_TOKENS : FOREGROUND_STEP_TOKENS,
                ...(request.raw === true ? {} : {isDone: (raw: string) => isSuggestionDecided(raw, plan.suggestion)}),
                ...(request.onText != null ? {onText: request.onText} : {})
            });
            const text = request.raw === true ? generated.text : finishSuggestion(generated.text, plan.suggestion);
            const suggestions = text === "" ? [] : [text];
            if ((request.count ?? 1) > 1)
                await this.addAlternatives(plan, generated, suggestions, request, signal, startedAt);
            return describeResult(text, suggestions, generated, plan, startedAt);
        });
    }

    /**
     * Idle-time warm-up: evaluates the prompt up to the part a keystroke on the current line changes,
     * so the next keystroke's request finds it in the KV cache. Small steps keep it abortable.
     */
    warm(request: CompletionRequest): Promise<WarmResult> {
        const startedAt = performance.now();
        const signal = anySignal([request.signal, this.lifetime.signal]);
        return this.queue.run(async () => {
            signal.throwIfAborted();
            const {prompt} = this.plan(request);
            const result = await evaluatePrompt(this.sequence, prompt.tokens.slice(0, prompt.warmLength) as Token[], {
                signal, stepTokens: BACKGROUND_STEP_TOKENS
            });
            return {...result, totalMs: performance.now() - startedAt};
        });
    }

    private plan(request: CompletionRequest): CompletionPlan {
        const planning = this.planningModel();
        // Everything must fit in the context with room for what is generated.
        const room = this.context.contextSize - (request.maxTokens ?? DEFAULT_MAX_TOKENS) - CONTEXT_MARGIN;
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

    private planningModel(): PlanningModel {
        if (this.planning != null)
            return this.planning;
        const infill = this.model.tokens.infill;
        if (infill.prefix == null || infill.suffix == null || infill.middle == null)
            throw new ModelNotCapableError(
                `${this.description.fileName} has no fill-in-the-middle tokens, so it cannot complete code at the cursor. ` +
                "Pick a code model trained for FIM (for example Qwen2.5-Coder)."
            );
        const inFile = this.description.fim;
        const bos = this.model.tokens.shouldPrependBosToken ? this.model.tokens.bos : null;
        const fim: FimVocabulary = {
            prefix: infill.prefix, suffix: infill.suffix, middle: infill.middle,
            ...(inFile?.repoName != null ? {repoName: inFile.repoName} : {}),
            ...(inFile?.fileSep != null ? {fileSep: inFile.fileSep} : {}),
            ...(bos != null ? {bos} : {})
        };
        const specials = [infill.prefix, infill.suffix, infill.middle, inFile?.pad, inFile?.repoName, inFile?.fileSep,
            this.model.tokens.eos, this.model.tokens.eot];
        this.planning = {
            fim,
            // Text is tokenized without parsing special tokens: "<|fim_prefix|>" typed in a file stays text.
            tokenizer: new TokenMemo((text) => this.model.tokenize(text, false)),
            specialTexts: [...new Set(specials.filter((t): t is Token => t != null)
                .map((t) => this.model.detokenize([t], true)).filter((t) => t.length > 1))]
        };
        return this.planning;
    }

    /** Alternatives branch on the next most likely first tokens and continue greedily. */
    private async addAlternatives(
        plan: CompletionPlan, first: GenerateResult, suggestions: string[], request: CompletionRequest, signal: AbortSignal, startedAt: number
    ): Promise<void> {
        const count = Math.min(request.count ?? 1, 5);
        const prompt = plan.prompt.tokens as Token[];
        const exclude = new Set<Token>(first.tokens.slice(0, 1));
        const candidates = await likelyFirstTokens(this.sequence, prompt, count * 2, exclude, {signal});
        for (const token of candidates) {
            if (suggestions.length >= count)
                break;
            const head = this.model.detokenize([token]);
            const rest = await generateFromTokens(this.sequence, [...prompt, token], {
                maxTokens: Math.max(0, (request.maxTokens ?? DEFAULT_MAX_TOKENS) - 1),
                ...(request.maxTimeMs != null ? {maxTimeMs: request.maxTimeMs} : {}),
                signal, startedAt, stepTokens: FOREGROUND_STEP_TOKENS,
                isDone: (raw) => isSuggestionDecided(head + raw, plan.suggestion)
            });
            const text = finishSuggestion(this.model.detokenize([token, ...rest.tokens]), plan.suggestion);
            if (text !== "" && !suggestions.includes(text))
                suggestions.push(text);
        }
    }

    /** Stops in-flight work, waits for it, then frees the context and the weights. */
    async dispose(): Promise<void> {
        if (this.disposed)
            return;
        this.lifetime.abort();
        await this.queue.idle();
        await this.context.dispose();
        await this.model.dispose();
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
        totalMs: performance.now() - startedAt
    };
}
