/**
 * Where a prompt's tokens go. Completions fill `prefix`, `suffix`, `extraContext` and `markers`
 * (FIM tokens, BOS, the repo and file-name headers); the assistant fills `system`, `toolsSchema`,
 * `history` and `userMessage`.
 */
export type PromptPartName = "prefix" | "suffix" | "extraContext" | "markers" | "system" | "toolsSchema" | "history" | "userMessage";

export const COMPLETION_PARTS: readonly PromptPartName[] = ["prefix", "suffix", "extraContext", "markers"];
export const CHAT_PARTS: readonly PromptPartName[] = ["system", "toolsSchema", "history", "userMessage"];

/** One request's prompt by part, in tokens, beside the caps the settings put on each. */
export interface PromptParts {
    /** Tokens of each part as sent; a part the request does not have is absent. */
    readonly tokens: Readonly<Partial<Record<PromptPartName, number>>>;
    /** The most tokens a part may take (settings, or what the context leaves); absent when uncapped. */
    readonly caps: Readonly<Partial<Record<PromptPartName, number>>>;
    /** The cap on the whole prompt, when there is one (the assistant's budget). */
    readonly totalCap?: number;
    /**
     * How the tokens were counted: `tokenizer` with the model's own (the numbers the engine
     * evaluates), `server` with the server's /tokenize, `estimate` from characters (a server that
     * cannot count for us).
     */
    readonly countedBy: "tokenizer" | "server" | "estimate";
    /** One line saying what was left out to fit the budget; absent when nothing was. */
    readonly trimmed?: string;
}

export function promptPartsTotal(parts: PromptParts): number {
    return Object.values(parts.tokens).reduce((sum, n) => sum + (n ?? 0), 0);
}

/**
 * Characters per token for a server that cannot count for us: code in BPE vocabularies of
 * current code models averages 3–4 characters per token; the lower end errs towards overcounting.
 */
const CHARS_PER_TOKEN = 3.5;

export function estimateTokens(text: string): number {
    return text === "" ? 0 : Math.ceil(text.length / CHARS_PER_TOKEN);
}
