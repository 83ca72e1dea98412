/** Token ids are plain numbers here so this file stays free of node-llama-cpp. */
export type TokenId = number;

/** The model's own fill-in-the-middle tokens, as its GGUF file declares them. */
export interface FimVocabulary {
    readonly prefix: TokenId;
    readonly suffix: TokenId;
    readonly middle: TokenId;
    /** `<|repo_name|>`: present in repo-level FIM models (Qwen2.5-Coder). */
    readonly repoName?: TokenId;
    /** `<|file_sep|>`: starts each file of a repo-level prompt. */
    readonly fileSep?: TokenId;
    /** Prepended when the model wants a BOS token (SentencePiece code models). */
    readonly bos?: TokenId;
}

/**
 * Where the parts of the prompt go. All three ask the same question (what goes between the text
 * before and after the cursor); they differ in which tokens a keystroke invalidates in the KV cache.
 *
 * - `psm`: `<PRE> stable volatile <SUF> suffix <MID>`. The order FIM models are trained on, as
 *   llama-server's /infill builds it: every keystroke changes `volatile`, so the whole suffix after it
 *   is evaluated again.
 * - `psm-volatile-after-middle` (default): `<PRE> stable <SUF> suffix <MID> volatile`. Still the
 *   trained PSM order; the lines typed since the anchor are given as the start of the middle, i.e.
 *   as text the model "already wrote". A keystroke invalidates only the volatile tail.
 * - `spm`: `<SUF> suffix <PRE> stable volatile <MID>` (llama-server's `--spm-infill`). Also cheap per
 *   keystroke, but only for models trained on SPM; Qwen2.5-Coder and StarCoder were trained on PSM.
 */
export type FimLayout = "psm" | "psm-volatile-after-middle" | "spm";

export const DEFAULT_FIM_LAYOUT: FimLayout = "psm-volatile-after-middle";

export const FIM_LAYOUTS: readonly FimLayout[] = ["psm", "psm-volatile-after-middle", "spm"];

export interface FimPromptParts {
    /** Repo-level header and extra context chunks, already tokenized; goes first because it changes least. */
    readonly context: readonly TokenId[];
    /** Whole lines above the anchor line. */
    readonly stable: readonly TokenId[];
    /** Lines from the anchor to the cursor, ending with the current line up to the cursor. */
    readonly volatile: readonly TokenId[];
    /** The rest of the current line and the lines below. */
    readonly suffix: readonly TokenId[];
}

export interface FimPrompt {
    readonly tokens: TokenId[];
    /**
     * Tokens before the first one a keystroke on the current line can change: what a warm-up
     * evaluates so the next keystroke finds it in the KV cache.
     */
    readonly stableLength: number;
}

/** Lays out a fill-in-the-middle prompt from the model's own FIM tokens. */
export function buildFimPrompt(parts: FimPromptParts, fim: FimVocabulary, layout: FimLayout = DEFAULT_FIM_LAYOUT): FimPrompt {
    const head = [...(fim.bos != null ? [fim.bos] : []), ...parts.context];
    switch (layout) {
        case "psm": {
            const stable = [...head, fim.prefix, ...parts.stable];
            return {tokens: [...stable, ...parts.volatile, fim.suffix, ...parts.suffix, fim.middle], stableLength: stable.length};
        }
        case "psm-volatile-after-middle": {
            const stable = [...head, fim.prefix, ...parts.stable, fim.suffix, ...parts.suffix, fim.middle];
            return {tokens: [...stable, ...parts.volatile], stableLength: stable.length};
        }
        case "spm": {
            const stable = [...head, fim.suffix, ...parts.suffix, fim.prefix, ...parts.stable];
            return {tokens: [...stable, ...parts.volatile, fim.middle], stableLength: stable.length};
        }
    }
}
