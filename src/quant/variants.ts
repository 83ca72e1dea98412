import {createHash} from "node:crypto";
import {realpath} from "node:fs/promises";
import {basename, dirname, resolve} from "node:path";
import {metaArray, metaNumber, metaString, readGgufHeader, type GgufHeader} from "../gguf/ggufReader";
import {fileTypeName} from "../gguf/ggmlTypes";
import {passesModelGuard} from "../engine/guard/guardModelFile";
import {ggufFilesIn} from "./localModels";
import {headerBitsPerWeight} from "./quantizePlan";

/** One local file of the current model at some quantization level. */
export interface ModelVariant {
    readonly path: string;
    readonly fileName: string;
    /** "Q4_K_M", "F16", ...; undefined when the file does not say. */
    readonly fileType: string | undefined;
    readonly bitsPerWeight: number;
    readonly sizeBytes: number;
    /** This is the model that was asked about (usually the loaded one). */
    readonly isCurrent: boolean;
}

/**
 * Local GGUF files that are the same base model as `modelPath` at other quantization levels:
 * same architecture, same tensor names and shapes, same vocabulary size. Searches `searchDirs`
 * and the model's own folder (two levels deep). Unreadable files are skipped. Sorted from most
 * to fewest bits per weight; the model itself is included with `isCurrent`.
 */
export async function findModelVariants(modelPath: string, searchDirs: string[], signal?: AbortSignal): Promise<ModelVariant[]> {
    const current = await realpath(resolve(modelPath));
    const currentHeader = await readGgufHeader(current, signal);
    const key = baseModelKey(currentHeader);
    const files = await ggufFilesIn([dirname(current), ...searchDirs.map((d) => resolve(d))], signal);
    const variants = new Map<string, ModelVariant>();
    variants.set(current, describe(current, currentHeader, true));
    for (const file of files) {
        signal?.throwIfAborted();
        if (variants.has(file))
            continue;
        const header = await readGgufHeader(file, signal).catch(() => undefined);
        if (header != null && baseModelKey(header) === key && await passesModelGuard(file, signal))
            variants.set(file, describe(file, header, false));
    }
    return [...variants.values()].sort((a, b) => b.bitsPerWeight - a.bitsPerWeight || a.fileName.localeCompare(b.fileName));
}

/**
 * What quantization leaves alone: architecture, vocabulary size and every tensor's name and
 * shape (elements, not bytes). Two files with the same key are one model at two levels.
 */
export function baseModelKey(header: GgufHeader): string {
    const architecture = metaString(header, "general.architecture") ?? "?";
    const vocabulary = metaArray(header, "tokenizer.ggml.tokens")?.length ?? metaNumber(header, `${architecture}.vocab_size`) ?? 0;
    const hash = createHash("sha256");
    for (const tensor of [...header.tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)))
        hash.update(`${tensor.name}:${tensor.dims.join("x")}\n`);
    return `${architecture}/${vocabulary}/${header.tensors.length}/${hash.digest("hex")}`;
}

function describe(path: string, header: GgufHeader, isCurrent: boolean): ModelVariant {
    return {
        path,
        fileName: basename(path),
        fileType: fileTypeName(metaNumber(header, "general.file_type")),
        bitsPerWeight: headerBitsPerWeight(header),
        sizeBytes: header.fileSize,
        isCurrent
    };
}
