/** Token ids are plain numbers here so this file stays free of node-llama-cpp. */
export type TokenId = number;

export interface FimTokens {
    readonly prefix: TokenId;
    readonly suffix: TokenId;
    readonly middle: TokenId;
}

export interface FimPromptParts {
    readonly prefixTokens: readonly TokenId[];
    readonly suffixTokens: readonly TokenId[];
    readonly fim: FimTokens;
    /** Prepended when the model wants a BOS token (SentencePiece code models). */
    readonly bos?: TokenId;
    /** Most prompt tokens to spend on the text before the cursor; the nearest ones are kept. */
    readonly maxPrefixTokens: number;
    /** Most prompt tokens to spend on the text after the cursor; the nearest ones are kept. */
    readonly maxSuffixTokens: number;
}

/**
 * The prefix-suffix-middle prompt (`<PRE> prefix <SUF> suffix <MID>`) that FIM-trained models
 * such as Qwen2.5-Coder, StarCoder and CodeLlama expect, built from the model's own FIM tokens.
 */
export function buildFimPrompt(parts: FimPromptParts): TokenId[] {
    const prefix = parts.prefixTokens.slice(Math.max(0, parts.prefixTokens.length - parts.maxPrefixTokens));
    const suffix = parts.suffixTokens.slice(0, parts.maxSuffixTokens);
    return [
        ...(parts.bos != null ? [parts.bos] : []),
        parts.fim.prefix, ...prefix,
        parts.fim.suffix, ...suffix,
        parts.fim.middle
    ];
}
