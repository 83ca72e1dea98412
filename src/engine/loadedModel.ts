import type {LlamaContext, LlamaContextSequence, LlamaModel, Token} from "node-llama-cpp";
import {anySignal} from "../util/abort";
import {SerialQueue} from "../util/serialQueue";
import type {ModelDescription} from "./modelDescription";
import {disposeDraftModel} from "./speculative/draftModel";
import type {LoadedSpeculation} from "./speculative/loadSpeculation";
import {predictorFor, type PredictorKind} from "./speculative/speculation";
import type {ModelVocabulary, TextModel, TokenSession} from "./textModel";
import {evaluatePrompt, generateFromTokens, likelyFirstTokens} from "./tokenGeneration";

/**
 * One loaded model with the context its requests run in. Everything that belongs to the model's
 * lifetime is owned here and goes away in `dispose()`, after in-flight work has stopped.
 * Requests run one at a time on one sequence whose KV cache carries over between them.
 */
export class LoadedModel implements TextModel {
    private readonly queue = new SerialQueue();
    private readonly lifetime = new AbortController();
    private readonly sequence: LlamaContextSequence;
    private readonly session: TokenSession;
    private vocabularyFacts: ModelVocabulary | undefined;

    constructor(
        private facts: ModelDescription,
        readonly model: LlamaModel,
        private readonly context: LlamaContext,
        readonly speculation?: LoadedSpeculation
    ) {
        const predictor = speculation?.predictor;
        // No predictor on the sequence: generation drives it itself (speculativeSteps.ts says why).
        this.sequence = context.getSequence();
        const sequence = this.sequence;
        const defaultPredictor = this.defaultPredictor;
        this.session = {
            evaluate: (tokens, options) => evaluatePrompt(sequence, tokens, options),
            generate: (prompt, options) => generateFromTokens(sequence, prompt, {predictor: defaultPredictor, ...options}, predictor),
            likelyFirstTokens: (prompt, count, exclude, options) => likelyFirstTokens(sequence, prompt, count, exclude, options, predictor)
        };
    }

    get description(): ModelDescription {
        return this.facts;
    }

    /** Says why adapters asked for at load were left out (the model serves without them). */
    noteAdapterNotice(notice: string): void {
        this.facts = {...this.facts, adapterNotice: notice};
    }

    /** What guesses ahead for requests that do not choose. */
    get defaultPredictor(): PredictorKind {
        const speculation = this.speculation;
        return speculation == null ? "none" : predictorFor(speculation.mode, speculation.draft != null);
    }

    get disposed(): boolean {
        return this.lifetime.signal.aborted;
    }

    /** The context, for read-only figures (memory, KV cache size); see modelMemory.ts. */
    get llamaContext(): LlamaContext {
        return this.context;
    }

    get contextSize(): number {
        return this.context.contextSize;
    }

    /** Tokens the sequence's KV cache holds now. */
    get contextTokens(): number {
        return this.sequence.nextTokenIndex;
    }

    get vocabulary(): ModelVocabulary {
        this.vocabularyFacts ??= readVocabulary(this.model, this.description);
        return this.vocabularyFacts;
    }

    tokenize(text: string): Token[] {
        return this.model.tokenize(text, false);
    }

    detokenize(tokens: readonly Token[]): string {
        return this.model.detokenize(tokens);
    }

    exclusive<T>(signal: AbortSignal | undefined, work: (session: TokenSession, signal: AbortSignal) => Promise<T>): Promise<T> {
        const combined = anySignal([signal, this.lifetime.signal]);
        return this.queue.run(async () => {
            combined.throwIfAborted();
            return await work(this.session, combined);
        });
    }

    /** Stops in-flight work, waits for it, then frees the context and the weights. */
    async dispose(): Promise<void> {
        if (this.disposed)
            return;
        await this.retireContext();
        if (this.speculation?.draft != null)
            await disposeDraftModel(this.speculation.draft);
        await this.model.dispose();
    }

    /**
     * Stops in-flight work and frees the context only: the weights (and the draft model) now serve
     * through a successor made over the same `LlamaModel` (a change of LoRA adapters).
     */
    async retireContext(): Promise<void> {
        if (this.disposed)
            return;
        this.lifetime.abort();
        await this.queue.idle();
        await this.context.dispose();
    }
}

function readVocabulary(model: LlamaModel, description: ModelDescription): ModelVocabulary {
    const infill = model.tokens.infill;
    const inFile = description.fim;
    const bos = model.tokens.shouldPrependBosToken ? model.tokens.bos : null;
    const specials = [infill.prefix, infill.suffix, infill.middle, inFile?.pad, inFile?.repoName, inFile?.fileSep, model.tokens.eos, model.tokens.eot];
    const fim = infill.prefix != null && infill.suffix != null && infill.middle != null
        ? {
            prefix: infill.prefix, suffix: infill.suffix, middle: infill.middle,
            ...(inFile?.pad != null ? {pad: inFile.pad as Token} : {}),
            ...(inFile?.repoName != null ? {repoName: inFile.repoName as Token} : {}),
            ...(inFile?.fileSep != null ? {fileSep: inFile.fileSep as Token} : {})
        }
        : undefined;
    return {
        ...(fim != null ? {fim} : {}),
        ...(bos != null ? {bos} : {}),
        specialTexts: [...new Set(specials.filter((t): t is Token => t != null)
            .map((t) => model.detokenize([t], true)).filter((t) => t.length > 1))]
    };
}
