import type {GgufHeader} from "../../gguf/ggufHeader";
import {metaArray, metaString} from "../../gguf/ggufReader";
import {GgufValueType} from "../../gguf/ggufValue";
import {
    BPE_MODELS, BPE_PRE_TOKENIZERS, BYTE_FALLBACK_TOKENIZERS, TOKEN_TYPE_BYTE, TOKENIZER_MODELS, TOKENIZERS_WITHOUT_BYTE_TOKENS,
    VOCABULARY_FREE_MODELS
} from "./llamaCppRules";
import {yieldEvery} from "./yieldEvery";

/**
 * The tokenizer as llama.cpp will build it: a model it knows, a pre-tokenizer it knows, and no
 * token it would abort on. (Duplicates, with llama.cpp's renaming of empty tokens, and the
 * lengths of the per-token arrays are checked by inspectHeader.) Returns undefined when fine.
 */
export async function tokenizerProblem(header: GgufHeader): Promise<string | undefined> {
    const model = metaString(header, "tokenizer.ggml.model");
    if (model == null)
        return "it does not name its tokenizer (tokenizer.ggml.model)";
    if (!TOKENIZER_MODELS.has(model))
        return `its tokenizer "${model}" is unknown to this llama.cpp release`;
    if (VOCABULARY_FREE_MODELS.has(model))
        return `it has no vocabulary (tokenizer "${model}"), so it cannot read or write text`;
    const pre = metaString(header, "tokenizer.ggml.pre");
    if (BPE_MODELS.has(model) && pre != null && pre !== "" && !BPE_PRE_TOKENIZERS.has(pre))
        return `its pre-tokenizer "${pre}" is unknown to this llama.cpp release`;
    const tokens = header.metadata.get("tokenizer.ggml.tokens");
    if (tokens != null && (tokens.type !== GgufValueType.Array || tokens.itemType !== GgufValueType.String))
        return "its token list (tokenizer.ggml.tokens) is not a list of strings";
    const types = header.metadata.get("tokenizer.ggml.token_type");
    if (types != null && (types.type !== GgufValueType.Array || types.itemType !== GgufValueType.Int32))
        return "its token types (tokenizer.ggml.token_type) are not a list of 32-bit integers, as llama.cpp requires";
    const scores = header.metadata.get("tokenizer.ggml.scores");
    if (scores != null && (scores.type !== GgufValueType.Array || (scores.itemType !== GgufValueType.Float32 && scores.itemType !== GgufValueType.Int32)))
        return "its token scores (tokenizer.ggml.scores) are not a list of numbers, as llama.cpp requires";
    if (TOKENIZERS_WITHOUT_BYTE_TOKENS.has(model) && await hasByteToken(header))
        return `its "${model}" vocabulary has a byte token, which makes llama.cpp abort`;
    if (BYTE_FALLBACK_TOKENIZERS.has(model)) {
        const missing = missingByteToken(metaArray(header, "tokenizer.ggml.tokens") ?? []);
        if (missing != null)
            return `its SentencePiece vocabulary lacks the byte token ${missing}, which llama.cpp needs for text it cannot otherwise spell (without it llama.cpp crashes)`;
    }
    return undefined;
}

async function hasByteToken(header: GgufHeader): Promise<boolean> {
    const types = metaArray(header, "tokenizer.ggml.token_type") ?? [];
    const tick = yieldEvery(65_536);
    for (const type of types) {
        if (type === TOKEN_TYPE_BYTE)
            return true;
        const pause = tick();
        if (pause != null)
            await pause;
    }
    return false;
}

/** The first of the 256 `<0xXX>` tokens (upper-case hex, as llama.cpp spells them) not in the vocabulary. */
function missingByteToken(tokens: readonly unknown[]): string | undefined {
    const present = new Set<string>();
    for (const token of tokens)
        if (typeof token === "string" && token.length === 6 && token.startsWith("<0x"))
            present.add(token);
    for (let b = 0; b < 256; b++) {
        const name = `<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`;
        if (!present.has(name))
            return name;
    }
    return undefined;
}
