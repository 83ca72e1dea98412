import type {PromptParts} from "../engine/promptParts";
import type {ModelDescription} from "../engine/modelDescription";
import type {PredictorKind, SpeculationStats} from "../engine/speculative/speculation";
import type {CompletionInput} from "./completionPlan";

/** One fill-in-the-middle request: the text around the cursor and how to run it. */
export interface CompletionRequest extends CompletionInput {
    /** Default: 64. */
    readonly maxTokens?: number;
    /**
     * Stop once this many milliseconds have passed and at least one full line exists.
     * Default: no limit. (The only setting that makes the text depend on speed.)
     */
    readonly maxTimeMs?: number;
    readonly signal?: AbortSignal;
    /** Suggestions wanted; the others start with the next most likely first tokens. Default: 1. */
    readonly count?: number;
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
    /** What guesses tokens ahead; the text is the same with each. Default: the loaded model's setting. */
    readonly predictor?: PredictorKind;
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
    /** How guessing ahead went (in-process engine only). */
    readonly speculation?: SpeculationStats;
    /** The prompt by part (prefix, suffix, extra context, markers) with the caps it was built within. */
    readonly promptParts?: PromptParts;
}

/** What an idle-time warm-up did: the stable part of a request's prompt is now in the KV cache. */
export interface WarmResult {
    readonly promptTokensEvaluated: number;
    readonly promptTokensReused: number;
    readonly totalMs: number;
}

/**
 * What serves fill-in-the-middle completions to the pipeline above it (`CompletionService`): the
 * in-process model (`LocalCompleter`), or a server. The pipeline never knows which.
 */
export interface CompletionBackend {
    /** The model that answers, when one does. */
    readonly model: ModelDescription | undefined;
    complete(request: CompletionRequest): Promise<CompletionResult>;
    /** Evaluates the part of the request's prompt that keystrokes on the current line leave alone. */
    warm?(request: CompletionRequest): Promise<WarmResult>;
}
