import type {TextWindow} from "../completion/cursorText";
import type {FimLayout} from "../completion/fimPrompt";
import type {ContextChunk, PromptBudget} from "../completion/promptTokens";
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
    /** Threads for prompt processing. */
    readonly threads: number;
    /** Threads for decode steps, as loaded (a thread probe may change both later; see servingThreadsOf). */
    readonly decodeThreads?: number;
    /** "prebuilt" binaries from npm, or a "localBuild" made on this machine. */
    readonly build: string;
}

export interface CompletionRequest {
    /** Text before the cursor: the whole file or at least the window `window` describes. */
    readonly prefix: string;
    /** Text after the cursor: the whole file or at least the window `window` describes. */
    readonly suffix: string;
    /** Default: 64. */
    readonly maxTokens?: number;
    /**
     * Stop once this many milliseconds have passed and at least one full line exists.
     * Default: no limit. (The only setting that makes the text depend on speed.)
     */
    readonly maxTimeMs?: number;
    readonly signal?: AbortSignal;
    /** Workspace-relative path of the file: shown to repo-level FIM models, and picks the comment syntax. */
    readonly fileName?: string;
    /** Project name shown to repo-level FIM models. Default: "project". */
    readonly repoName?: string;
    /** Text from other places (visited files, recent edits, the clipboard), oldest first. */
    readonly context?: readonly ContextChunk[];
    /** Suggestions wanted; the others start with the next most likely first tokens. Default: 1. */
    readonly count?: number;
    /** Lines around the cursor the prompt uses. Default: `DEFAULT_TEXT_WINDOW`. */
    readonly window?: Partial<TextWindow>;
    /** Token budgets of the prompt's parts. Default: `DEFAULT_PROMPT_BUDGET`. */
    readonly budget?: Partial<PromptBudget>;
    /** Token order of the prompt. Default: "psm-volatile-after-middle" (see `FimLayout`). */
    readonly layout?: FimLayout;
    /**
     * Idle-time work (prefetch): the prompt is evaluated in small steps so that the abort a
     * keystroke sends lands quickly. Does not change the text. Default: false.
     */
    readonly background?: boolean;
    /**
     * The model's text as generated: no post-processing and no early stop (for evaluation tools
     * and tests that count tokens). Default: false.
     */
    readonly raw?: boolean;
    /** Called with the raw generated text so far, after each token. */
    readonly onText?: (raw: string) => void;
}

export interface CompletionResult {
    /** The suggestion to show (post-processed); "" when there is nothing worth showing. */
    readonly text: string;
    /** `text` first, then distinct alternatives when `count` > 1; never contains "". */
    readonly suggestions: readonly string[];
    /** What the model generated for `text`, before post-processing. */
    readonly rawText: string;
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
    /** Tokens in the prompt. */
    readonly promptTokens: number;
    /** "decided": post-processing saw that more tokens could not change the suggestion. */
    readonly stopReason: "eog" | "maxTokens" | "maxTime" | "decided" | "aborted";
    readonly totalMs: number;
}

/** What an idle-time warm-up did: the stable part of a request's prompt is now in the KV cache. */
export interface WarmResult {
    readonly promptTokensEvaluated: number;
    readonly promptTokensReused: number;
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
    /** Evaluates the part of the request's prompt that keystrokes on the current line leave alone. */
    warm?(request: CompletionRequest): Promise<WarmResult>;
}
