import {createHash} from "node:crypto";
import {metaArray, metaString, type GgufHeader} from "../../gguf/ggufReader";

/** What makes two models' token ids mean the same text: a draft model must match its target's. */
export interface VocabularyFingerprint {
    /** `tokenizer.ggml.model` ("gpt2", "llama", ...). */
    readonly model: string | undefined;
    /** `tokenizer.ggml.pre`: how text is split before BPE. */
    readonly pre: string | undefined;
    readonly tokenCount: number;
    /** SHA-256 of the token list in id order. */
    readonly tokensHash: string;
}

export function vocabularyFingerprint(header: GgufHeader): VocabularyFingerprint {
    const tokens = metaArray(header, "tokenizer.ggml.tokens") ?? [];
    const hash = createHash("sha256");
    for (const token of tokens)
        hash.update(String(token)).update("\u0000");
    return {
        model: metaString(header, "tokenizer.ggml.model"),
        pre: metaString(header, "tokenizer.ggml.pre"),
        tokenCount: tokens.length,
        tokensHash: hash.digest("hex")
    };
}

/** Why `draft` cannot guess tokens for `target`, or undefined when the vocabularies are the same. */
export function vocabularyMismatch(target: VocabularyFingerprint, draft: VocabularyFingerprint): string | undefined {
    if (target.tokenCount === 0 || draft.tokenCount === 0)
        return "one of the files has no token list";
    if (target.model !== draft.model)
        return `its tokenizer is "${draft.model ?? "unknown"}", the model's is "${target.model ?? "unknown"}"`;
    if (target.tokenCount !== draft.tokenCount)
        return `it has ${draft.tokenCount} tokens, the model has ${target.tokenCount}`;
    if (target.tokensHash !== draft.tokensHash)
        return "its token list differs from the model's (same size, different tokens)";
    if (target.pre !== draft.pre)
        return `it splits text differently ("${draft.pre ?? "default"}" vs "${target.pre ?? "default"}")`;
    return undefined;
}
