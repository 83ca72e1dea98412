import type {CompletionRequest, CompletionResult} from "../completion/completionRequest";
import {DEFAULT_TEXT_WINDOW, splitCursorText, type CursorText} from "../completion/cursorText";
import {languageSyntaxFor} from "../completion/languageSyntax";
import {finishSuggestion, isSuggestionDecided, type SuggestionContext} from "../completion/postProcess";

/**
 * Spellings of special tokens that code models use, cut from server output where they leak (a
 * server's vocabulary is not known here, unlike the in-process model's).
 */
export const SERVER_SPECIAL_TEXTS: readonly string[] = [
    "<|endoftext|>", "<|file_sep|>", "<|fim_pad|>", "<|repo_name|>", "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>",
    "<|im_start|>", "<|im_end|>", "<fim_prefix>", "<fim_suffix>", "<fim_middle>", "<file_sep>", "<|eot_id|>", "<EOT>", "</s>",
    "<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>", "<|fim▁begin|>", "<|fim▁hole|>", "<|fim▁end|>"
];

/** The request's text split the way the in-process model splits it, and the post-processing context. */
export interface ServerPlan {
    readonly text: CursorText;
    readonly suggestion: SuggestionContext;
}

export function planServerRequest(request: CompletionRequest): ServerPlan {
    const text = splitCursorText(request.prefix, request.suffix, {...DEFAULT_TEXT_WINDOW, ...request.window});
    return {text, suggestion: {text, syntax: languageSyntaxFor(request.fileName), specialTexts: SERVER_SPECIAL_TEXTS}};
}

/** What the server said about a request so far; later parts overwrite earlier ones. */
export interface ServerStats {
    readonly promptTokensEvaluated?: number;
    readonly promptTokensReused?: number;
    readonly tokens?: number;
    readonly tokensPerSecond?: number;
}

/** One streamed part of a completion, in the same shape for every kind of server. */
export interface SuggestionPart {
    readonly text: string;
    readonly stats?: ServerStats;
    /** Set on the last part: why the server stopped. */
    readonly finish?: "eog" | "length" | "time";
}

/**
 * Reads a streamed completion: shows the text so far (`onText`), stops as soon as post-processing
 * has decided the suggestion or the time budget is spent with a full line there (leaving the loop
 * closes the connection, so the server stops too), and post-processes the text like the in-process
 * path does. A stream that ends without its last part is an error, not a short suggestion.
 */
export async function readSuggestion(
    parts: AsyncIterable<SuggestionPart>, request: CompletionRequest, plan: ServerPlan, startedAt: number, streamCut: () => Error
): Promise<CompletionResult> {
    let raw = "";
    let firstAt: number | undefined;
    let stats: ServerStats = {};
    let pieces = 0;
    let stopReason: CompletionResult["stopReason"] | undefined;
    for await (const part of parts) {
        stats = {...stats, ...part.stats};
        if (part.text !== "") {
            firstAt ??= performance.now();
            raw += part.text;
            pieces++;
            request.onText?.(raw);
        }
        if (part.finish != null) {
            stopReason = part.finish === "eog" ? "eog" : part.finish === "time" ? "maxTime" : "maxTokens";
            break;
        }
        if (request.raw !== true && isSuggestionDecided(raw, plan.suggestion)) {
            stopReason = "decided";
            break;
        }
        if (request.maxTimeMs != null && performance.now() - startedAt > request.maxTimeMs && raw.includes("\n")) {
            stopReason = "maxTime";
            break;
        }
    }
    if (stopReason == null)
        throw streamCut();
    const finishedAt = performance.now();
    const text = request.raw === true ? raw : finishSuggestion(raw, plan.suggestion);
    const tokens = stopReason === "decided" || stopReason === "maxTime" ? pieces : stats.tokens ?? pieces;
    const decodeSeconds = (finishedAt - (firstAt ?? finishedAt)) / 1000;
    const evaluated = stats.promptTokensEvaluated ?? 0;
    const reused = stats.promptTokensReused ?? 0;
    return {
        text,
        suggestions: text === "" ? [] : [text],
        rawText: raw,
        ttftMs: (firstAt ?? finishedAt) - startedAt,
        tokens,
        tokensPerSecond: stats.tokensPerSecond ?? (tokens > 1 && decodeSeconds > 0 ? (tokens - 1) / decodeSeconds : 0),
        promptTokensEvaluated: evaluated,
        promptTokensReused: reused,
        promptTokens: evaluated + reused,
        stopReason,
        totalMs: finishedAt - startedAt
    };
}

/** A number from a parsed JSON object, when it is one. */
export function numberField(value: unknown, key: string): number | undefined {
    const field = value != null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
    return typeof field === "number" && Number.isFinite(field) ? field : undefined;
}

export function stringField(value: unknown, key: string): string | undefined {
    const field = value != null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
    return typeof field === "string" ? field : undefined;
}

export function objectField(value: unknown, key: string): Record<string, unknown> | undefined {
    const field = value != null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
    return field != null && typeof field === "object" && !Array.isArray(field) ? field as Record<string, unknown> : undefined;
}
