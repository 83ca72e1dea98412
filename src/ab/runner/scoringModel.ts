import type {Llama, LlamaContext, LlamaContextSequence, LlamaModel, Token} from "node-llama-cpp";
import {logitsFromProbabilities} from "../stats/logSoftmax";
import {abortError, isAbortError} from "../../util/abort";
import {ModelLoadError, isUserFacingEngineError} from "../../engine/errors";
import {checkMemoryFits} from "../../engine/memoryFit";
import type {ModelFileFacts} from "../../engine/modelFile";
import {chatWrapperFor} from "../../engine/guard/safeChatWrapper";

/**
 * Probabilities node-llama-cpp may hold at once while a window is scored (each is a Map entry
 * of ~50 bytes): 2,000,000 ≈ 100 MB, 13 positions of Qwen2's 151,936-token vocabulary.
 */
const MAX_DISTRIBUTION_ENTRIES_PER_CALL = 2_000_000;
const WITH_PROBABILITIES = {generateNext: {probabilities: true}} as const;

/** What loading a model for A/B cost, measured once. */
export interface LoadMeasurement {
    /** Resident memory growth from before loading to after a warm-up evaluation. */
    readonly rssDeltaBytes: number;
    /** VRAM growth over the same span; null on the CPU. */
    readonly vramDeltaBytes: number | null;
    /** Weights as llama.cpp holds them. */
    readonly weightsBytes: number;
    readonly loadSeconds: number;
}

export interface ScoringModelOptions {
    readonly threads: number;
    /** Tokens of the model's own context: at least the window and the longest prompt plus its output. */
    readonly contextSize: number;
    readonly signal?: AbortSignal;
    /** LoRA adapters applied to the context (checked by the caller against the file). Default: none. */
    readonly adapters?: readonly {readonly path: string; readonly scale: number}[];
}

export interface GenerateOptions {
    readonly maxTokens: number;
    /** Stop at the first newline (a completed line). Default: false. */
    readonly stopAtLine?: boolean;
    /** Keep going through end-of-generation tokens (for timing a fixed number of steps). Default: false. */
    readonly ignoreEog?: boolean;
    readonly signal?: AbortSignal;
}

export interface Generation {
    readonly text: string;
    readonly tokens: number;
    /** From the call to the first generated token (prompt evaluation included). */
    readonly ttftMs: number;
    readonly totalMs: number;
}

/**
 * One model loaded for A/B evaluation, with a context of its own (never the editor's model or
 * context). Generates greedily for tasks and timings, and scores windows where the scoring child
 * process cannot run. Dispose it to free the weights.
 */
export class ScoringModel {
    private disposed = false;

    private constructor(
        readonly facts: ModelFileFacts,
        private readonly model: LlamaModel,
        private readonly context: LlamaContext,
        private readonly sequence: LlamaContextSequence,
        readonly measurement: LoadMeasurement
    ) {}

    /** Refuses (NotEnoughMemoryError, with the numbers) a model that cannot fit in free RAM on the CPU. */
    static async load(llama: Llama, facts: ModelFileFacts, options: ScoringModelOptions): Promise<ScoringModel> {
        await checkMemoryFits(llama, facts, options.contextSize);
        const rssBefore = process.memoryUsage.rss();
        const vramBefore = llama.gpu === false ? undefined : (await llama.getVramState()).used;
        const started = performance.now();
        let model: LlamaModel | undefined;
        try {
            model = await llama.loadModel({
                modelPath: facts.path,
                gpuLayers: llama.gpu === false ? 0 : "auto",
                ...(options.signal != null ? {loadSignal: options.signal} : {})
            });
            const context = await model.createContext({
                contextSize: options.contextSize,
                batchSize: Math.min(options.contextSize, 512),
                threads: options.threads,
                sequences: 1,
                ...(options.adapters != null && options.adapters.length > 0
                    ? {lora: {adapters: options.adapters.map((a) => ({filePath: a.path, scale: a.scale}))}}
                    : {})
            });
            const sequence = context.getSequence();
            // A warm-up step touches every weight page, so RSS counts the mmapped weights.
            await sequence.evaluateWithoutGeneratingNewTokens([firstToken(model)]);
            await sequence.clearHistory();
            const measurement: LoadMeasurement = {
                rssDeltaBytes: process.memoryUsage.rss() - rssBefore,
                vramDeltaBytes: vramBefore == null ? null : (await llama.getVramState()).used - vramBefore,
                weightsBytes: model.size,
                loadSeconds: (performance.now() - started) / 1000
            };
            return new ScoringModel(facts, model, context, sequence, measurement);
        } catch (err) {
            await model?.dispose();
            if (options.signal?.aborted || isAbortError(err) || isUserFacingEngineError(err))
                throw options.signal?.aborted ? abortError() : err;
            throw new ModelLoadError(facts.path, (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "", {cause: err});
        }
    }

    /** Tokens in the vocabulary (llama.cpp's n_vocab: the GGUF's token list). */
    get vocabularySize(): number {
        return this.facts.vocabularySize ?? 0;
    }

    get contextSize(): number {
        return this.context.contextSize;
    }

    get bos(): number | undefined {
        return this.model.tokens.shouldPrependBosToken ? this.model.tokens.bos ?? undefined : undefined;
    }

    get fim(): {prefix: number; suffix: number; middle: number} | undefined {
        const {prefix, suffix, middle} = this.model.tokens.infill;
        return prefix != null && suffix != null && middle != null ? {prefix, suffix, middle} : undefined;
    }

    /** Text to tokens as files are tokenized: special-token text stays text, no BOS added. */
    tokenize(text: string): number[] {
        return this.model.tokenize(text, false);
    }

    /** A user message in the model's chat format, ready for the reply. */
    async chatPrompt(userText: string): Promise<number[]> {
        const wrapper = await chatWrapperFor(this.model, this.facts);
        const {contextText} = wrapper.generateContextState({
            chatHistory: [{type: "user", text: userText}, {type: "model", response: []}]
        });
        return contextText.tokenize(this.model.tokenizer);
    }

    /**
     * Evaluates `tokens` from an empty KV cache and hands `visit` the next-token log-probabilities
     * over the full vocabulary at each position from `first` to `last`, in order, as logits
     * (ln p: log-softmax is unchanged by the shift). node-llama-cpp has no raw logits, so they
     * come from its probabilities (llama.cpp's softmax of the raw logits: the greedy sampler chain
     * adds no temperature, top-k or top-p). Throws if llama.cpp ever returns fewer tokens than
     * the vocabulary holds.
     *
     * This is the slow path (a sorted Map per position: tens of ms per token on a 151,936-token
     * vocabulary), used only where the scoring child process cannot run (see logits/).
     * node-llama-cpp keeps every requested distribution until the call returns, so large
     * vocabularies are scored a few positions per call: the KV cache carries on between calls.
     */
    async scoreWindow(
        tokens: readonly number[], first: number, last: number,
        visit: (position: number, logits: Float32Array) => void, signal?: AbortSignal
    ): Promise<void> {
        signal?.throwIfAborted();
        await this.sequence.clearHistory();
        const vocabulary = this.vocabularySize;
        const perCall = Math.max(1, Math.floor(MAX_DISTRIBUTION_ENTRIES_PER_CALL / Math.max(1, vocabulary)));
        let next = 0;
        for (let start = first; start <= last; start += perCall) {
            signal?.throwIfAborted();
            const end = Math.min(last, start + perCall - 1);
            const input = tokens.slice(next, end + 1).map((token, k) =>
                next + k >= start ? [token as Token, WITH_PROBABILITIES] as [Token, typeof WITH_PROBABILITIES] : token as Token);
            const output = await this.sequence.controlledEvaluate(input);
            for (let i = start; i <= end; i++) {
                const probabilities = output[i - next]?.next.probabilities;
                if (probabilities == null || probabilities.size !== vocabulary)
                    throw new Error(`llama.cpp returned ${probabilities?.size ?? 0} of ${vocabulary} next-token probabilities at position ${i}`);
                visit(i, toLogits(probabilities, vocabulary));
            }
            next = end + 1;
        }
    }

    /** Evaluates a prompt without generating (prompt-processing timing); returns seconds. */
    async evaluatePrompt(tokens: readonly number[]): Promise<number> {
        await this.sequence.clearHistory();
        const started = performance.now();
        await this.sequence.evaluateWithoutGeneratingNewTokens(tokens as Token[]);
        return (performance.now() - started) / 1000;
    }

    /** Greedy generation from an empty KV cache. */
    async generate(prompt: readonly number[], options: GenerateOptions): Promise<Generation> {
        options.signal?.throwIfAborted();
        await this.sequence.clearHistory();
        const started = performance.now();
        const tokens: Token[] = [];
        let firstAt: number | undefined;
        for await (const token of this.sequence.evaluate(prompt as Token[], {temperature: 0, yieldEogToken: true})) {
            firstAt ??= performance.now();
            if (options.signal?.aborted)
                throw abortError();
            if (!options.ignoreEog && this.model.isEogToken(token))
                break;
            tokens.push(token);
            // Only the first line of a completion is scored, so the first newline ends it.
            if (tokens.length >= options.maxTokens || (options.stopAtLine === true && this.model.detokenize(tokens).includes("\n")))
                break;
        }
        const finished = performance.now();
        return {text: this.model.detokenize(tokens), tokens: tokens.length, ttftMs: (firstAt ?? finished) - started, totalMs: finished - started};
    }

    /** Frees the context and the weights; a second call does nothing. */
    async dispose(): Promise<void> {
        if (this.disposed)
            return;
        this.disposed = true;
        await this.context.dispose();
        await this.model.dispose();
    }
}

function firstToken(model: LlamaModel): Token {
    return model.tokens.bos ?? model.tokenize("a", false)[0] ?? (0 as Token);
}

function toLogits(probabilities: Map<Token, number>, vocabularySize: number): Float32Array {
    return logitsFromProbabilities(probabilities, vocabularySize);
}
