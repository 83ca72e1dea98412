import {readdir, realpath, stat} from "node:fs/promises";
import {basename, join} from "node:path";
import {metaNumber, metaString, readGgufHeader} from "../gguf/ggufReader";
import {fileTypeName} from "../gguf/ggmlTypes";
import {headerBitsPerWeight} from "./quantizePlan";

/** A GGUF model file on this computer, described from its header. */
export interface LocalModel {
    readonly path: string;
    readonly fileName: string;
    readonly name: string | undefined;
    readonly architecture: string | undefined;
    readonly fileType: string | undefined;
    readonly bitsPerWeight: number;
    readonly parameters: number;
    readonly sizeBytes: number;
    readonly modifiedMs: number;
}

/** How deep below each folder to look (models often sit in one folder per model). */
const MAX_DEPTH = 2;
/** Past this many GGUF files a folder is an archive, not a model shelf; the rest are skipped. */
const MAX_FILES = 500;

/** Every readable GGUF model under `dirs` (two levels deep), each file once, largest first. */
export async function listLocalModels(dirs: readonly string[], signal?: AbortSignal): Promise<LocalModel[]> {
    const models: LocalModel[] = [];
    for (const path of await ggufFilesIn(dirs, signal)) {
        signal?.throwIfAborted();
        const model = await describeLocalModel(path, signal).catch(() => undefined);
        if (model != null)
            models.push(model);
    }
    return models.sort((a, b) => b.sizeBytes - a.sizeBytes || a.fileName.localeCompare(b.fileName));
}

export async function describeLocalModel(path: string, signal?: AbortSignal): Promise<LocalModel> {
    const [header, info] = await Promise.all([readGgufHeader(path, signal), stat(path)]);
    const architecture = metaString(header, "general.architecture");
    return {
        path,
        fileName: basename(path),
        name: metaString(header, "general.name"),
        architecture,
        fileType: fileTypeName(metaNumber(header, "general.file_type")),
        bitsPerWeight: headerBitsPerWeight(header),
        parameters: header.tensors.reduce((sum, t) => sum + t.dims.reduce((a, b) => a * b, 1), 0),
        sizeBytes: header.fileSize,
        modifiedMs: info.mtimeMs
    };
}

/**
 * Real paths of `*.gguf` files under `dirs`, each once. Folder links are not followed and hidden
 * folders are skipped, so a sweep never wanders into loops or caches.
 */
export async function ggufFilesIn(dirs: readonly string[], signal?: AbortSignal): Promise<string[]> {
    const found = new Set<string>();
    const visited = new Set<string>();
    const walk = async (dir: string, depth: number): Promise<void> => {
        signal?.throwIfAborted();
        const real = await realpath(dir).catch(() => undefined);
        if (real == null || visited.has(real) || found.size >= MAX_FILES)
            return;
        visited.add(real);
        const entries = await readdir(real, {withFileTypes: true}).catch(() => []);
        for (const entry of entries) {
            const path = join(real, entry.name);
            if (entry.isDirectory() && depth < MAX_DEPTH && !entry.name.startsWith("."))
                await walk(path, depth + 1);
            else if (/\.gguf$/i.test(entry.name) && (entry.isFile() || entry.isSymbolicLink()) && found.size < MAX_FILES)
                found.add(await realpath(path).catch(() => path));
        }
    };
    for (const dir of dirs)
        await walk(dir, 0);
    return [...found];
}
