import type {PromptParts} from "../engine/promptParts";
import type {CursorText} from "./cursorText";
import {buildFimPrompt, DEFAULT_FIM_LAYOUT, type FimLayout, type FimPrompt, type FimVocabulary, type TokenId} from "./fimPrompt";

/** Turns text into token ids as plain text: special-token spellings in a file stay text. */
export interface Tokenizer {
    tokenize(text: string): readonly TokenId[];
}

/** Token budgets of the prompt's parts; each is trimmed at whole lines. */
export interface PromptBudget {
    /** Tokens for the stable lines above the anchor; lines are dropped from the top. Default: 1024. */
    readonly maxPrefixTokens: number;
    /** Tokens for the rest of the line and the lines below; lines are dropped from the bottom. Default: 256. */
    readonly maxSuffixTokens: number;
    /** Tokens for extra context chunks (other files, recent edits); the oldest go first. Default: 1024. */
    readonly maxContextTokens: number;
}

export const DEFAULT_PROMPT_BUDGET: PromptBudget = {maxPrefixTokens: 1024, maxSuffixTokens: 256, maxContextTokens: 1024};

/** Text from elsewhere in the project that the model sees before the current file. */
export interface ContextChunk {
    /** Workspace-relative path shown to the model. */
    readonly fileName: string;
    readonly text: string;
}

export interface PromptSource {
    readonly text: CursorText;
    /** Workspace-relative path of the current file; shown to repo-level models. */
    readonly fileName?: string;
    /** Name of the project; shown to repo-level models. Default: "project". */
    readonly repoName?: string;
    /** Oldest first. Used only by models with `<|repo_name|>` and `<|file_sep|>` tokens. */
    readonly chunks?: readonly ContextChunk[];
}

export interface CompletionPrompt extends FimPrompt {
    /**
     * Tokens up to the start of the current line: what typing on that line never changes, so what
     * an idle-time warm-up evaluates. At least `stableLength`.
     */
    readonly warmLength: number;
    /** Tokens of each part, for logs and the benchmark. */
    readonly counts: {
        readonly context: number; readonly stable: number; readonly volatile: number; readonly suffix: number;
        /** Of `context`, the tokens of the extra chunks themselves (the rest is the repo and file-name header). */
        readonly chunks: number;
    };
}

/**
 * The completion prompt as tokens: repo-level header and extra chunks first (they change least),
 * then the file's parts in the chosen layout. Deterministic for a given source, so the editor, the
 * CLI and the cache all agree on it.
 */
export function buildCompletionPrompt(
    source: PromptSource,
    fim: FimVocabulary,
    tokenizer: Tokenizer,
    budget: PromptBudget = DEFAULT_PROMPT_BUDGET,
    layout: FimLayout = DEFAULT_FIM_LAYOUT
): CompletionPrompt {
    const {tokens: context, chunks} = contextTokens(source, fim, tokenizer, budget.maxContextTokens);
    const stable = lastLinesWithin(source.text.stable, budget.maxPrefixTokens, tokenizer);
    // The volatile part is bounded by lines already; half the prefix budget guards against long lines.
    const volatile = lastLinesWithin(source.text.volatile, Math.max(1, Math.floor(budget.maxPrefixTokens / 2)), tokenizer);
    const suffix = firstLinesWithin(source.text.suffix, budget.maxSuffixTokens, tokenizer);
    const prompt = buildFimPrompt({context, stable, volatile, suffix}, fim, layout);
    return {
        ...prompt,
        warmLength: prompt.stableLength + wholeLinesLength(source.text, volatile, tokenizer),
        counts: {context: context.length, stable: stable.length, volatile: volatile.length, suffix: suffix.length, chunks}
    };
}

/** How many of the volatile tokens belong to whole lines above the cursor line (0 if they do not split cleanly). */
function wholeLinesLength(text: CursorText, volatile: readonly TokenId[], tokenizer: Tokenizer): number {
    const lines = text.volatile.slice(0, text.volatile.length - text.linePrefix.length);
    const tokens = tokenizer.tokenize(lines);
    return tokens.length <= volatile.length && tokens.every((t, i) => volatile[i] === t) ? tokens.length : 0;
}

function contextTokens(source: PromptSource, fim: FimVocabulary, tokenizer: Tokenizer, budget: number): {tokens: TokenId[]; chunks: number} {
    const chunks = source.chunks ?? [];
    if (fim.repoName == null || fim.fileSep == null || (source.fileName == null && chunks.length === 0))
        return {tokens: [], chunks: 0};
    const fileSep = fim.fileSep;
    const header = [fim.repoName, ...tokenizer.tokenize(`${source.repoName ?? "project"}\n`)];
    const current = [fileSep, ...tokenizer.tokenize(`${source.fileName ?? "untitled"}\n`)];
    let left = budget;
    const kept: TokenId[][] = [];
    // Newest first, so an old chunk is what a full budget drops.
    for (let i = chunks.length - 1; i >= 0; i--) {
        const chunk = chunks[i]!;
        const text = chunk.text.endsWith("\n") ? chunk.text : chunk.text + "\n";
        const tokens = [fileSep, ...tokenizer.tokenize(`${chunk.fileName}\n${text}`)];
        if (tokens.length > left)
            continue;
        left -= tokens.length;
        kept.unshift(tokens);
    }
    const flat = kept.flat();
    return {tokens: [...header, ...flat, ...current], chunks: flat.length};
}

/**
 * The prompt by part, counted with the model's tokenizer: the very tokens the engine evaluates.
 * The volatile lines are part of the prefix; the FIM tokens and headers are `markers`.
 */
export function completionPromptParts(prompt: CompletionPrompt, budget: PromptBudget): PromptParts {
    const c = prompt.counts;
    const prefix = c.stable + c.volatile;
    return {
        tokens: {prefix, suffix: c.suffix, extraContext: c.chunks, markers: prompt.tokens.length - prefix - c.suffix - c.chunks},
        caps: {prefix: budget.maxPrefixTokens, suffix: budget.maxSuffixTokens, extraContext: budget.maxContextTokens},
        countedBy: "tokenizer"
    };
}

/** The tokens of the last whole lines of `text` that fit in `budget`. */
export function lastLinesWithin(text: string, budget: number, tokenizer: Tokenizer): readonly TokenId[] {
    const all = tokenizer.tokenize(text);
    if (all.length <= budget)
        return all;
    const lines = splitKeepingNewlines(text);
    let used = 0;
    let start = lines.length;
    while (start > 0) {
        const cost = tokenizer.tokenize(lines[start - 1]!).length;
        if (used + cost > budget)
            break;
        used += cost;
        start--;
    }
    // Even the last line alone is too long: keep its end, the part nearest the cursor.
    if (start === lines.length)
        return tokenizer.tokenize(lines[lines.length - 1]!).slice(-budget);
    return tokenizer.tokenize(lines.slice(start).join(""));
}

/** The tokens of the first whole lines of `text` that fit in `budget`. */
export function firstLinesWithin(text: string, budget: number, tokenizer: Tokenizer): readonly TokenId[] {
    const all = tokenizer.tokenize(text);
    if (all.length <= budget)
        return all;
    const lines = splitKeepingNewlines(text);
    let used = 0;
    let end = 0;
    while (end < lines.length) {
        const cost = tokenizer.tokenize(lines[end]!).length;
        if (used + cost > budget)
            break;
        used += cost;
        end++;
    }
    if (end === 0)
        return tokenizer.tokenize(lines[0]!).slice(0, budget);
    return tokenizer.tokenize(lines.slice(0, end).join(""));
}

/** "a\nb\nc" → ["a\n", "b\n", "c"]; joining them gives the text back. */
function splitKeepingNewlines(text: string): string[] {
    const lines = text.split(/(?<=\n)/);
    return lines.length > 0 && lines[lines.length - 1] === "" ? lines.slice(0, -1) : lines;
}
