import {nativeInt32, nativeInt32Targets, nativeInt8, type LlamaLogitsBinding} from "./llamaLogitsBinding";

export interface LogitsModelOptions {
    readonly threads: number;
    /** Tokens of the context: the window. */
    readonly contextSize: number;
    /** Layers on the GPU: 0 on the CPU, −1 for all. */
    readonly gpuLayers: number;
}

/** Why a model could not be loaded or evaluated; the message can be shown as it is. */
export class LogitsModelError extends Error {
    override readonly name = "LogitsModelError";
}

/**
 * One model with one context and one batch, evaluating a window as llama-perplexity evaluates a
 * chunk: an empty KV cache, the whole window in one `llama_decode`, logits requested only for
 * the scored positions.
 */
export class LogitsModel {
    private readonly batch: ReturnType<LlamaLogitsBinding["initBatch"]>;
    private readonly tokens: Int32Array;
    private readonly positions: Int32Array;
    private readonly outputs: Int8Array;
    private disposed = false;

    private constructor(
        private readonly binding: LlamaLogitsBinding,
        private readonly model: unknown,
        private readonly context: unknown,
        readonly vocabularySize: number,
        readonly weightsBytes: number,
        readonly contextSize: number
    ) {
        this.batch = binding.initBatch(contextSize);
        this.tokens = nativeInt32(this.batch.token, contextSize);
        this.positions = nativeInt32(this.batch.pos, contextSize);
        this.outputs = nativeInt8(this.batch.logits, contextSize);
        nativeInt32(this.batch.n_seq_id, contextSize).fill(1);
        for (const sequence of nativeInt32Targets(this.batch.seq_id, contextSize))
            sequence[0] = 0;
        for (let i = 0; i < contextSize; i++)
            this.positions[i] = i;
    }

    static open(binding: LlamaLogitsBinding, path: string, options: LogitsModelOptions): LogitsModel {
        const modelParams = binding.modelDefaults();
        modelParams.n_gpu_layers = options.gpuLayers;
        const model = binding.loadModel(path, modelParams);
        if (model == null)
            throw new LogitsModelError(`llama.cpp could not load ${path}`);
        const contextParams = binding.contextDefaults();
        contextParams.n_ctx = options.contextSize;
        contextParams.n_batch = options.contextSize;
        contextParams.n_ubatch = Math.min(options.contextSize, 512);
        contextParams.n_threads = options.threads;
        contextParams.n_threads_batch = options.threads;
        const context = binding.newContext(model, contextParams);
        if (context == null) {
            binding.freeModel(model);
            throw new LogitsModelError(`llama.cpp could not make a ${options.contextSize}-token context for ${path}`);
        }
        return new LogitsModel(binding, model, context, binding.vocabularySize(model), binding.modelSize(model), options.contextSize);
    }

    /**
     * Evaluates `tokens` from an empty KV cache and returns the logits of positions `first` to
     * `last`, row after row (a view of llama.cpp's buffer: valid until the next call).
     */
    evaluate(tokens: readonly number[], first: number, last: number): Float32Array {
        if (tokens.length > this.contextSize || first < 0 || last < first || last >= tokens.length)
            throw new RangeError(`cannot score positions ${first}..${last} of ${tokens.length} tokens in a ${this.contextSize}-token context`);
        this.binding.clearMemory(this.context);
        for (let i = 0; i < tokens.length; i++) {
            this.tokens[i] = tokens[i]!;
            this.outputs[i] = i >= first && i <= last ? 1 : 0;
        }
        this.batch.n_tokens = tokens.length;
        const status = this.binding.decode(this.context, this.batch);
        if (status !== 0)
            throw new LogitsModelError(`llama.cpp could not evaluate the window (llama_decode returned ${status})`);
        return this.binding.logits(this.context, last - first + 1, this.vocabularySize);
    }

    dispose(): void {
        if (this.disposed)
            return;
        this.disposed = true;
        this.binding.freeBatch(this.batch);
        this.binding.freeContext(this.context);
        this.binding.freeModel(this.model);
    }
}
