import {open, stat} from "node:fs/promises";
import {basename} from "node:path";

/** A text the comparison scores, with a name for notes. */
export interface TextSource {
    readonly name: string;
    readonly text: string;
    /** Code gives the FIM task held-out lines; prose only the distribution metrics. */
    readonly kind: "code" | "prose";
}

export interface ReadTextOptions {
    /** Files larger than this are skipped with a note. Default: 1 MiB. */
    readonly maxBytes?: number;
}

export const DEFAULT_MAX_TEXT_BYTES = 1024 * 1024;

const PROSE_EXTENSIONS = /\.(md|markdown|txt|rst|adoc|tex)$/i;

/**
 * Reads the user's files for a comparison. A file that is missing, a folder, empty, larger than
 * `maxBytes`, or binary (a NUL byte or invalid UTF-8) is skipped with a note saying so; it never
 * fails the run.
 */
export async function readTextSources(paths: readonly string[], options: ReadTextOptions = {}): Promise<{sources: TextSource[]; notes: string[]}> {
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_TEXT_BYTES;
    const sources: TextSource[] = [];
    const notes: string[] = [];
    for (const path of paths) {
        const result = await readOne(path, maxBytes);
        if (typeof result === "string")
            notes.push(`Skipped ${path}: ${result}.`);
        else
            sources.push(result);
    }
    return {sources, notes};
}

async function readOne(path: string, maxBytes: number): Promise<TextSource | string> {
    const info = await stat(path).catch(() => undefined);
    if (info == null)
        return "it does not exist";
    if (!info.isFile())
        return "it is not a regular file";
    if (info.size === 0)
        return "it is empty";
    if (info.size > maxBytes)
        return `it is ${Math.ceil(info.size / 1024)} KiB, more than the ${Math.floor(maxBytes / 1024)} KiB limit for one text`;
    const handle = await open(path, "r");
    let bytes: Buffer;
    try {
        bytes = Buffer.alloc(info.size);
        await handle.read(bytes, 0, info.size, 0);
    } finally {
        await handle.close();
    }
    if (bytes.subarray(0, 8192).includes(0))
        return "it looks binary (it contains NUL bytes)";
    let text: string;
    try {
        text = new TextDecoder("utf-8", {fatal: true}).decode(bytes);
    } catch {
        return "it is not valid UTF-8 text";
    }
    return {name: basename(path), text, kind: PROSE_EXTENSIONS.test(path) ? "prose" : "code"};
}
