import {stat, access, constants} from "node:fs/promises";
import {basename} from "node:path";
import {GgufFormatError, metaArray, metaNumber, metaString, readGgufHeader, type GgufHeader} from "../gguf/ggufReader";
import {fileTypeName, ggmlTypeInfo} from "../gguf/ggmlTypes";
import {arrayLength} from "../gguf/ggufValue";
import {ModelFileError, UnsupportedModelError} from "./errors";
import {fimTokensInFile, type FimTokenIdsInFile} from "./fimTokens";

/** What a GGUF file says about itself, read from its header alone (no weights are loaded). */
export interface ModelFileFacts {
    readonly path: string;
    readonly fileName: string;
    readonly name: string | undefined;
    readonly architecture: string;
    readonly parameters: number;
    readonly fileTypeId: number | undefined;
    /** "Q4_K_M", "F16", ...; undefined when the file does not say. */
    readonly fileType: string | undefined;
    readonly sizeBytes: number;
    /** Bits per weight over all tensors: the real cost of a quantization, mixed types included. */
    readonly bitsPerWeight: number;
    readonly contextLength: number | undefined;
    readonly vocabularySize: number | undefined;
    readonly fim: FimTokenIdsInFile | undefined;
    readonly chatTemplate: string | undefined;
    /** The chat template handles a `tools` list, so the model was trained for function calling. */
    readonly templateSupportsTools: boolean;
    /** Set by the model guard when the chat template is not used: why, and that a plain chat format is used instead. */
    readonly chatTemplateNotice?: string;
}

/**
 * Reads and checks a model file before llama.cpp sees it. Some malformed files make llama.cpp
 * abort the whole process (a vocabulary with a duplicate token hits a GGML_ASSERT); in the
 * extension host that would take every extension down, so what can be checked in JS is checked
 * here and reported as a clear error instead.
 */
export async function inspectModelFile(
    path: string,
    knownArchitectures?: ReadonlySet<string>,
    signal?: AbortSignal
): Promise<ModelFileFacts> {
    await checkReadableFile(path);
    return inspectHeader(path, await readModelHeader(path, signal), knownArchitectures);
}

/** The file's GGUF header, or a `ModelFileError` saying why it cannot be read. */
export async function readModelHeader(path: string, signal?: AbortSignal): Promise<GgufHeader> {
    try {
        return await readGgufHeader(path, signal);
    } catch (err) {
        if (err instanceof GgufFormatError)
            throw new ModelFileError(path, err.message);
        throw err;
    }
}

/** `inspectModelFile`'s checks and facts for a header already read. */
export function inspectHeader(path: string, header: GgufHeader, knownArchitectures?: ReadonlySet<string>): ModelFileFacts {
    const architecture = metaString(header, "general.architecture");
    if (architecture == null)
        throw new UnsupportedModelError(path, "the file does not name its architecture (general.architecture)");
    if (knownArchitectures != null && !knownArchitectures.has(architecture))
        throw new UnsupportedModelError(path, `its architecture "${architecture}" is unknown to this llama.cpp release`);
    checkTensors(path, header);
    checkVocabulary(path, header);
    return describe(path, header, architecture);
}

export async function checkReadableFile(path: string): Promise<void> {
    let info;
    try {
        info = await stat(path);
    } catch {
        throw new ModelFileError(path, "the file does not exist");
    }
    if (info.isDirectory())
        throw new ModelFileError(path, "it is a folder, not a .gguf file");
    if (!info.isFile())
        throw new ModelFileError(path, "it is not a regular file");
    try {
        await access(path, constants.R_OK);
    } catch {
        throw new ModelFileError(path, "the file cannot be read (permission denied)");
    }
}

function checkTensors(path: string, header: GgufHeader): void {
    if (header.tensors.length === 0)
        throw new ModelFileError(path, "it holds no tensors (a vocabulary-only file is not a model)");
    const names = new Set<string>();
    // llama.cpp's loader wants the tensors stored in table order, each starting at the next
    // multiple of the alignment after the one before.
    let expected = 0;
    for (const tensor of header.tensors) {
        if (names.has(tensor.name))
            throw new ModelFileError(path, `tensor ${tensor.name} appears twice`);
        names.add(tensor.name);
        if (ggmlTypeInfo(tensor.type) == null)
            throw new UnsupportedModelError(path, `tensor ${tensor.name} uses tensor type ${tensor.type}, unknown to this llama.cpp release`);
        if (tensor.byteSize == null)
            throw new ModelFileError(path, `tensor ${tensor.name} has a shape its type cannot hold`);
        if (tensor.byteSize > header.fileSize)
            throw new ModelFileError(path, `tensor ${tensor.name} has shape ${tensor.dims.join(" × ")}, larger than the whole file`);
        if (tensor.offset !== expected && header.dataOffset + tensor.offset + tensor.byteSize <= header.fileSize)
            throw new ModelFileError(path, `tensor ${tensor.name} starts at byte ${tensor.offset} of the data section where llama.cpp expects byte ${expected}, so the file is damaged`);
        expected = Math.max(expected, tensor.offset) + Math.ceil(tensor.byteSize / header.alignment) * header.alignment;
    }
    const end = header.dataOffset + header.tensors.reduce((max, t) => Math.max(max, t.offset + (t.byteSize ?? 0)), 0);
    if (end > header.fileSize)
        throw new ModelFileError(path, `the file is truncated: its tensors need ${end} bytes but the file has ${header.fileSize}`);
}

function checkVocabulary(path: string, header: GgufHeader): void {
    const tokens = metaArray(header, "tokenizer.ggml.tokens");
    if (tokens == null)
        throw new ModelFileError(path, "it has no tokenizer vocabulary (tokenizer.ggml.tokens)");
    const duplicate = firstDuplicateToken(tokens);
    if (duplicate != null)
        throw new ModelFileError(path, `its vocabulary lists the token ${JSON.stringify(duplicate)} twice (as llama.cpp names its tokens), which would crash llama.cpp`);
    for (const key of ["token_type", "scores"]) {
        const entry = header.metadata.get(`tokenizer.ggml.${key}`);
        if (entry != null && arrayLength(entry) < tokens.length)
            throw new ModelFileError(path, `tokenizer.ggml.${key} has ${arrayLength(entry)} entries for ${tokens.length} tokens`);
    }
    // A special token id past the vocabulary is not refused: llama.cpp ignores it (it keeps its
    // default for that token) and loads the model.
    if (metaString(header, "tokenizer.ggml.model") === "gpt2" && metaArray(header, "tokenizer.ggml.merges") == null &&
        metaString(header, "tokenizer.ggml.pre") !== "kimi-k2")
        throw new ModelFileError(path, "its BPE vocabulary has no merges (tokenizer.ggml.merges)");
}

/**
 * The first token that appears twice in the vocabulary as llama.cpp sees it: it renames an empty
 * token at index i to "[EMPTY_i]", so two empty tokens are fine but an empty one beside a real
 * "[EMPTY_i]" is a duplicate (llama.cpp aborts on any duplicate).
 */
export function firstDuplicateToken(tokens: readonly unknown[]): string | undefined {
    const seen = new Set<string>();
    for (let i = 0; i < tokens.length; i++) {
        const raw = String(tokens[i]);
        const token = raw === "" ? `[EMPTY_${i}]` : raw;
        if (seen.has(token))
            return token;
        seen.add(token);
    }
    return undefined;
}

function describe(path: string, header: GgufHeader, architecture: string): ModelFileFacts {
    const parameters = header.tensors.reduce((sum, t) => sum + t.dims.reduce((a, b) => a * b, 1), 0);
    const tensorBytes = header.tensors.reduce((sum, t) => sum + (t.byteSize ?? 0), 0);
    const fileTypeId = metaNumber(header, "general.file_type");
    const chatTemplate = metaString(header, "tokenizer.chat_template");
    return {
        path,
        fileName: basename(path),
        name: metaString(header, "general.name"),
        architecture,
        parameters,
        fileTypeId,
        fileType: fileTypeName(fileTypeId),
        sizeBytes: header.fileSize,
        bitsPerWeight: parameters === 0 ? 0 : (tensorBytes * 8) / parameters,
        contextLength: metaNumber(header, `${architecture}.context_length`),
        vocabularySize: metaArray(header, "tokenizer.ggml.tokens")?.length,
        fim: fimTokensInFile(header),
        chatTemplate,
        templateSupportsTools: chatTemplate != null && /\btools\b/.test(chatTemplate)
    };
}
