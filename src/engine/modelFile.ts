import {stat, access, constants} from "node:fs/promises";
import {basename} from "node:path";
import {GgufFormatError, metaArray, metaNumber, metaString, readGgufHeader, type GgufHeader} from "../gguf/ggufReader";
import {fileTypeName, ggmlTypeInfo} from "../gguf/ggmlTypes";
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
    let header: GgufHeader;
    try {
        header = await readGgufHeader(path, signal);
    } catch (err) {
        if (err instanceof GgufFormatError)
            throw new ModelFileError(path, err.message);
        throw err;
    }
    const architecture = metaString(header, "general.architecture");
    if (architecture == null)
        throw new UnsupportedModelError(path, "the file does not name its architecture (general.architecture)");
    if (knownArchitectures != null && !knownArchitectures.has(architecture))
        throw new UnsupportedModelError(path, `its architecture "${architecture}" is unknown to this llama.cpp release`);
    checkTensors(path, header);
    checkVocabulary(path, header);
    return describe(path, header, architecture);
}

async function checkReadableFile(path: string): Promise<void> {
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
    let end = header.dataOffset;
    for (const tensor of header.tensors) {
        if (names.has(tensor.name))
            throw new ModelFileError(path, `tensor ${tensor.name} appears twice`);
        names.add(tensor.name);
        if (ggmlTypeInfo(tensor.type) == null)
            throw new UnsupportedModelError(path, `tensor ${tensor.name} uses tensor type ${tensor.type}, unknown to this llama.cpp release`);
        if (tensor.byteSize == null)
            throw new ModelFileError(path, `tensor ${tensor.name} has a shape its type cannot hold`);
        end = Math.max(end, header.dataOffset + tensor.offset + tensor.byteSize);
    }
    if (end > header.fileSize)
        throw new ModelFileError(path, `the file is truncated: its tensors need ${end} bytes but the file has ${header.fileSize}`);
}

function checkVocabulary(path: string, header: GgufHeader): void {
    const tokens = metaArray(header, "tokenizer.ggml.tokens");
    if (tokens == null)
        throw new ModelFileError(path, "it has no tokenizer vocabulary (tokenizer.ggml.tokens)");
    const seen = new Set<unknown>();
    for (const token of tokens) {
        if (seen.has(token))
            throw new ModelFileError(path, `its vocabulary lists the token ${JSON.stringify(token)} twice, which would crash llama.cpp`);
        seen.add(token);
    }
    for (const key of ["token_type", "scores"]) {
        const values = metaArray(header, `tokenizer.ggml.${key}`);
        if (values != null && values.length < tokens.length)
            throw new ModelFileError(path, `tokenizer.ggml.${key} has ${values.length} entries for ${tokens.length} tokens`);
    }
    for (const [key, entry] of header.metadata) {
        if (key.startsWith("tokenizer.ggml.") && key.endsWith("_token_id") && typeof entry.value === "number" &&
            entry.value >= tokens.length && entry.value !== 0xffffffff)
            throw new ModelFileError(path, `${key} is ${entry.value}, past the end of the ${tokens.length}-token vocabulary`);
    }
    if (metaString(header, "tokenizer.ggml.model") === "gpt2" && metaArray(header, "tokenizer.ggml.merges") == null)
        throw new ModelFileError(path, "its BPE vocabulary has no merges (tokenizer.ggml.merges)");
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
