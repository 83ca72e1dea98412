import {byteLevelTokenBytes, byteToUnicodeTable, trainByteLevelBpe} from "./byteLevelBpe";
import {TINY_VOCAB_CORPUS} from "./tinyVocabCorpus";
import {metaArray, readGgufHeaderFromBuffer} from "./ggufReader";
import type {BundledLlamaSource} from "../llamaSource/bundledSource";

/** llama.cpp's `enum llama_token_type`. */
export const TokenType = {normal: 1, unknown: 2, control: 3, userDefined: 4, unused: 5, byte: 6} as const;

export interface FimTokenIds {
    readonly prefix: number;
    readonly suffix: number;
    readonly middle: number;
    readonly pad: number;
    readonly repoName: number;
    readonly fileSep: number;
}

export interface GeneratedVocab {
    readonly model: "gpt2" | "llama";
    readonly pre: string;
    readonly tokens: readonly string[];
    readonly tokenTypes: readonly number[];
    readonly merges?: readonly string[];
    readonly scores?: readonly number[];
    readonly bos: number;
    readonly eos: number;
    readonly unknown?: number;
    readonly padding?: number;
    readonly addBos: boolean;
    readonly fim?: FimTokenIds;
    /**
     * Tokens a random-weight model is allowed to emit (printable ASCII and newlines). The test
     * models give every other token a zero output row, so greedy decoding never picks them and
     * generated text is always readable and comparable in an editor.
     */
    readonly speakable: (id: number) => boolean;
}

/** Qwen2.5's added tokens, in the id order of the real vocabulary (151643 onwards). */
const QWEN_SPECIAL_TOKENS: ReadonlyArray<readonly [string, number]> = [
    ["<|endoftext|>", TokenType.control], ["<|im_start|>", TokenType.control], ["<|im_end|>", TokenType.control],
    ["<|object_ref_start|>", TokenType.control], ["<|object_ref_end|>", TokenType.control],
    ["<|box_start|>", TokenType.control], ["<|box_end|>", TokenType.control],
    ["<|quad_start|>", TokenType.control], ["<|quad_end|>", TokenType.control],
    ["<|vision_start|>", TokenType.control], ["<|vision_end|>", TokenType.control],
    ["<|vision_pad|>", TokenType.control], ["<|image_pad|>", TokenType.control], ["<|video_pad|>", TokenType.control],
    ["<tool_call>", TokenType.userDefined], ["</tool_call>", TokenType.userDefined],
    ["<|fim_prefix|>", TokenType.control], ["<|fim_middle|>", TokenType.control], ["<|fim_suffix|>", TokenType.control],
    ["<|fim_pad|>", TokenType.control], ["<|repo_name|>", TokenType.control], ["<|file_sep|>", TokenType.control]
];

const TINY_MERGES = 240;

/** A ~500-token byte-level BPE vocabulary learnt from a built-in corpus, with Qwen2.5's special tokens. */
export function tinyQwenVocab(): GeneratedVocab {
    const {tokens, merges} = trainByteLevelBpe(TINY_VOCAB_CORPUS, TINY_MERGES);
    const tokenTypes: number[] = tokens.map(() => TokenType.normal);
    return withQwenSpecials([...tokens], tokenTypes, [...merges], tokens.length);
}

/**
 * The real Qwen2 vocabulary (151,936 entries) from llama.cpp's `models/ggml-vocab-qwen2.gguf`,
 * with Qwen2.5's added tokens at their real ids.
 */
export async function realQwenVocab(source: BundledLlamaSource): Promise<GeneratedVocab> {
    const header = await readGgufHeaderFromBuffer(await source.readFile("models/ggml-vocab-qwen2.gguf"));
    const tokens = [...(metaArray(header, "tokenizer.ggml.tokens") as string[])];
    const tokenTypes = [...(metaArray(header, "tokenizer.ggml.token_type") as number[])];
    const merges = [...(metaArray(header, "tokenizer.ggml.merges") as string[])];
    const firstSpecial = tokens.indexOf("<|endoftext|>");
    if (firstSpecial < 0)
        throw new Error("llama.cpp's Qwen2 vocabulary has no <|endoftext|> token");
    return withQwenSpecials(tokens, tokenTypes, merges, firstSpecial);
}

function withQwenSpecials(tokens: string[], tokenTypes: number[], merges: string[], firstId: number): GeneratedVocab {
    QWEN_SPECIAL_TOKENS.forEach(([text, type], i) => {
        tokens[firstId + i] = text;
        tokenTypes[firstId + i] = type;
    });
    const id = (text: string) => firstId + QWEN_SPECIAL_TOKENS.findIndex(([t]) => t === text);
    const endOfText = id("<|endoftext|>");
    return {
        model: "gpt2",
        pre: "qwen2",
        tokens,
        tokenTypes,
        merges,
        bos: endOfText,
        eos: endOfText,
        padding: endOfText,
        addBos: false,
        fim: {
            prefix: id("<|fim_prefix|>"), suffix: id("<|fim_suffix|>"), middle: id("<|fim_middle|>"),
            pad: id("<|fim_pad|>"), repoName: id("<|repo_name|>"), fileSep: id("<|file_sep|>")
        },
        speakable: byteLevelSpeakable(tokens, tokenTypes)
    };
}

function byteLevelSpeakable(tokens: readonly string[], tokenTypes: readonly number[]): (id: number) => boolean {
    const charToByte = new Map(byteToUnicodeTable().map((ch, byte) => [ch, byte]));
    const allowed = tokens.map((token, id) => {
        if (tokenTypes[id] !== TokenType.normal)
            return false;
        const bytes = byteLevelTokenBytes(token, charToByte);
        return bytes != null && bytes.every(isReadableByte);
    });
    return (id) => allowed[id] === true;
}

/** llama.cpp's own SentencePiece test vocabulary (LLaMA, 32,000 tokens): no FIM tokens, BOS added. */
export async function llamaSpmVocab(source: BundledLlamaSource): Promise<GeneratedVocab> {
    const header = await readGgufHeaderFromBuffer(await source.readFile("models/ggml-vocab-llama-spm.gguf"));
    const tokens = metaArray(header, "tokenizer.ggml.tokens") as string[];
    const tokenTypes = metaArray(header, "tokenizer.ggml.token_type") as number[];
    const allowed = tokens.map((token, id) =>
        tokenTypes[id] === TokenType.normal && [...token.replaceAll("\u2581", " ")].every((ch) => isReadableByte(ch.codePointAt(0)!))
    );
    return {
        model: "llama",
        pre: "default",
        tokens,
        tokenTypes,
        scores: metaArray(header, "tokenizer.ggml.scores") as number[],
        bos: 1,
        eos: 2,
        unknown: 0,
        addBos: true,
        speakable: (id) => allowed[id] === true
    };
}

function isReadableByte(byte: number): boolean {
    return byte === 0x0a || (byte >= 0x20 && byte <= 0x7e);
}
