import {metaArray, metaNumber, type GgufHeader} from "../gguf/ggufReader";

export interface FimTokenIdsInFile {
    readonly prefix: number;
    readonly suffix: number;
    readonly middle: number;
    readonly pad?: number;
    readonly repoName?: number;
    readonly fileSep?: number;
}

// The token texts llama.cpp itself recognises as FIM tokens when a file lacks the explicit keys
// (src/llama-vocab.cpp of the bundled release).
const PREFIX_TEXTS = ["<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>"];
const SUFFIX_TEXTS = ["<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>"];
const MIDDLE_TEXTS = ["<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>"];

/**
 * The model's own FIM tokens as its file declares them: the `tokenizer.ggml.fim_*` keys, else
 * the token texts llama.cpp falls back to. Never guessed from the model's name.
 */
export function fimTokensInFile(header: GgufHeader): FimTokenIdsInFile | undefined {
    const tokens = metaArray(header, "tokenizer.ggml.tokens");
    const find = (key: string, texts: readonly string[]): number | undefined => {
        const id = metaNumber(header, `tokenizer.ggml.${key}_token_id`);
        // An id past the vocabulary is ignored, as llama.cpp ignores it.
        if (id != null && (tokens == null || id < tokens.length))
            return id;
        if (tokens == null)
            return undefined;
        for (const text of texts) {
            const index = tokens.indexOf(text);
            if (index >= 0)
                return index;
        }
        return undefined;
    };
    const prefix = find("fim_pre", PREFIX_TEXTS);
    const suffix = find("fim_suf", SUFFIX_TEXTS);
    const middle = find("fim_mid", MIDDLE_TEXTS);
    if (prefix == null || suffix == null || middle == null)
        return undefined;
    return {
        prefix, suffix, middle,
        pad: find("fim_pad", ["<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>"]),
        repoName: find("fim_rep", ["<|repo_name|>", "<fim-repo>", "<reponame>"]),
        fileSep: find("fim_sep", ["<|file_sep|>", "<file_sep>", "<filename>"])
    };
}
