import type {ModelFileFacts} from "./modelFile";

/** What is loaded and how it runs: everything the status bar, the panel and `inspect` show. */
export interface ModelDescription extends ModelFileFacts {
    /** The size of the context QuantPilot created, in tokens. */
    readonly contextSize: number;
    /** The model's own FIM tokens were found, so completions use fill-in-the-middle. */
    readonly hasFim: boolean;
    /** The chat template supports tools and node-llama-cpp can drive them. */
    readonly supportsTools: boolean;
    /** node-llama-cpp's chat wrapper for this model ("Qwen", "Llama3_1", ...). */
    readonly chatWrapper: string;
    readonly runtime: RuntimeDescription;
    readonly loadMs: number;
}

export interface RuntimeDescription {
    /** "cuda" | "vulkan" | "metal" | false when running on the CPU. */
    readonly gpu: string | false;
    readonly gpuName?: string;
    /** Layers offloaded to the GPU (0 on the CPU). */
    readonly gpuLayers: number;
    readonly threads: number;
    /** "prebuilt" binaries from npm, or a "localBuild" made on this machine. */
    readonly build: string;
}

export interface CompletionRequest {
    readonly prefix: string;
    readonly suffix: string;
    /** Default: 64. */
    readonly maxTokens?: number;
    /**
     * Stop once this many milliseconds have passed and at least one full line exists.
     * Default: no limit.
     */
    readonly maxTimeMs?: number;
    readonly signal?: AbortSignal;
}

export interface CompletionResult {
    readonly text: string;
    /** Milliseconds from the request to the first generated token. */
    readonly ttftMs: number;
    /** Generated tokens. */
    readonly tokens: number;
    /** Generated tokens per second, after the first token. */
    readonly tokensPerSecond: number;
    /** Prompt tokens that had to be evaluated for this request. */
    readonly promptTokensEvaluated: number;
    /** Prompt tokens found already evaluated in the KV cache and reused. */
    readonly promptTokensReused: number;
    readonly stopReason: "eog" | "maxTokens" | "maxTime" | "aborted";
    readonly totalMs: number;
}

/**
 * The model runtime as completions, the assistant and the A/B evaluator see it. The local
 * engine runs node-llama-cpp in-process; a remote backend (llama-server over HTTP) can implement
 * the same interface without those callers changing.
 */
export interface Engine {
    readonly model: ModelDescription | undefined;
    complete(request: CompletionRequest): Promise<CompletionResult>;
}
