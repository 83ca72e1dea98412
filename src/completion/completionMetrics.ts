import type {RequestMetrics} from "../engine/requestMetrics";
import type {CompletionResult} from "./completionRequest";

/**
 * Where a suggestion came from: the model; the result cache (an exact earlier answer); a prefetch
 * (computed in idle time for the text after accepting the previous suggestion); or typing (the
 * user typed the start of the suggestion on screen, and the rest is shown at once).
 */
export type SuggestionSource = "model" | "cache" | "prefetch" | "typing";

/** One record per piece of completion work; the status bar, the log and the panel read these. */
export type CompletionMetrics =
    | {
        /** A request from the editor, answered. */
        readonly kind: "suggestion";
        readonly source: SuggestionSource;
        /** From the request (keystroke) to the suggestion, including any debounce. */
        readonly latencyMs: number;
        readonly suggestions: number;
        /** Set when the model ran for this request. */
        readonly model?: ModelWork;
        /**
         * Set when the request took over a prefetch of its position that was still running (the
         * user accepted before it finished): how long the model had already been at it.
         */
        readonly headStartMs?: number;
    }
    | {
        /** Idle-time work: a prefetched suggestion or a warm-up of the stable prompt. */
        readonly kind: "prefetch" | "warm-up";
        readonly latencyMs: number;
        readonly model: ModelWork;
    };

/** What the model did for one request. */
export interface ModelWork {
    readonly promptTokens: number;
    readonly promptTokensEvaluated: number;
    readonly promptTokensReused: number;
    readonly tokens: number;
    readonly tokensPerSecond: number;
    readonly stopReason: CompletionResult["stopReason"] | "warm";
}

export function modelWork(result: CompletionResult): ModelWork {
    return {
        promptTokens: result.promptTokens,
        promptTokensEvaluated: result.promptTokensEvaluated,
        promptTokensReused: result.promptTokensReused,
        tokens: result.tokens,
        tokensPerSecond: result.tokensPerSecond,
        stopReason: result.stopReason
    };
}

/** "120 ms · 14 evaluated / 230 reused · 85 tok/s" (model) or "3 ms · cache" for the status bar. */
export function summarizeMetrics(metrics: CompletionMetrics): string {
    const ms = `${Math.round(metrics.latencyMs)} ms`;
    if (metrics.kind !== "suggestion")
        return `${metrics.kind} ${ms}`;
    const model = metrics.model;
    if (model == null)
        return `${ms} · ${metrics.source}`;
    const headStart = metrics.headStartMs != null ? ` · prefetch taken over ${Math.round(metrics.headStartMs)} ms in` : "";
    return `${ms} · ${model.promptTokensEvaluated} evaluated / ${model.promptTokensReused} reused · ${model.tokensPerSecond.toFixed(0)} tok/s${headStart}`;
}

/** What the panel lists for one completion the model answered. */
export function completionMetrics(result: CompletionResult, modelFileName: string, at = Date.now()): RequestMetrics {
    return {
        at,
        kind: "completion",
        modelFileName,
        ttftMs: result.ttftMs,
        promptTokensPerSecond: result.promptTokensEvaluated > 0 && result.ttftMs > 0
            ? result.promptTokensEvaluated / (result.ttftMs / 1000)
            : null,
        tokensPerSecond: result.tokensPerSecond,
        promptTokensEvaluated: result.promptTokensEvaluated,
        promptTokensReused: result.promptTokensReused,
        tokens: result.tokens,
        totalMs: result.totalMs,
        ...(result.speculation != null ? {speculation: result.speculation} : {}),
        ...(result.promptParts != null ? {promptParts: result.promptParts} : {})
    };
}
