import type {LlamaContext, LlamaContextSequence, LlamaModel, Token} from "node-llama-cpp";
import {buildFimPrompt} from "../completion/fimPrompt";
import {anySignal} from "../util/abort";
import {SerialQueue} from "../util/serialQueue";
import type {CompletionRequest, CompletionResult, ModelDescription} from "./engine";
import {ModelNotCapableError} from "./errors";
import {generateFromTokens} from "./tokenGeneration";

const DEFAULT_MAX_TOKENS = 64;

/**
 * One loaded model with the context its completions run in. Everything that belongs to the
 * model's lifetime is owned here and goes away in `dispose()`, after in-flight work has stopped.
 */
export class LoadedModel {
    private readonly queue = new SerialQueue();
    private readonly lifetime = new AbortController();
    private readonly sequence: LlamaContextSequence;

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

    complete(request: CompletionRequest): Promise<CompletionResult> {
        const startedAt = performance.now();
        const signal = anySignal([request.signal, this.lifetime.signal]);
        return this.queue.run(async () => {
            signal.throwIfAborted();
            const prompt = this.completionPrompt(request);
            const result = await generateFromTokens(this.sequence, prompt, {
                maxTokens: request.maxTokens ?? DEFAULT_MAX_TOKENS,
                ...(request.maxTimeMs != null ? {maxTimeMs: request.maxTimeMs} : {}),
                signal,
                startedAt
            });
            const firstTokenAt = result.firstTokenAt ?? result.finishedAt;
            const decodeSeconds = (result.finishedAt - firstTokenAt) / 1000;
            return {
                text: result.text,
                ttftMs: firstTokenAt - startedAt,
                tokens: result.tokens.length,
                tokensPerSecond: result.tokens.length > 1 && decodeSeconds > 0 ? (result.tokens.length - 1) / decodeSeconds : 0,
                promptTokensEvaluated: result.promptTokensEvaluated,
                promptTokensReused: result.promptTokensReused,
                stopReason: result.stopReason,
                totalMs: result.finishedAt - startedAt
            };
        });
    }

    private completionPrompt(request: CompletionRequest): Token[] {
        const infill = this.model.tokens.infill;
        if (infill.prefix == null || infill.suffix == null || infill.middle == null)
            throw new ModelNotCapableError(
                `${this.description.fileName} has no fill-in-the-middle tokens, so it cannot complete code at the cursor. ` +
                "Pick a code model trained for FIM (for example Qwen2.5-Coder)."
            );
        // Text is tokenized without parsing special tokens: "<|fim_prefix|>" typed in a file stays text.
        const budget = Math.max(16, this.context.contextSize - (request.maxTokens ?? DEFAULT_MAX_TOKENS) - 8);
        const bos = this.model.tokens.shouldPrependBosToken ? this.model.tokens.bos : null;
        const suffixTokens = this.model.tokenize(request.suffix, false);
        // The suffix gets at most a quarter of the budget; whatever it leaves goes to the prefix.
        const maxSuffixTokens = Math.min(suffixTokens.length, Math.floor(budget / 4));
        return buildFimPrompt({
            prefixTokens: this.model.tokenize(request.prefix, false),
            suffixTokens,
            fim: {prefix: infill.prefix, suffix: infill.suffix, middle: infill.middle},
            ...(bos != null ? {bos} : {}),
            maxPrefixTokens: budget - maxSuffixTokens,
            maxSuffixTokens
        }) as Token[];
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
