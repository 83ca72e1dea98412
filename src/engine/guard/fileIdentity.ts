import {createHash} from "node:crypto";
import {open, realpath, stat} from "node:fs/promises";

const HASH_CHUNK_BYTES = 1 << 20;

/** What identifies a model file's contents for the guard's verdict cache. */
export interface FileIdentity {
    readonly realPath: string;
    readonly size: number;
    readonly mtimeMs: number;
}

export async function fileIdentity(path: string): Promise<FileIdentity> {
    const realPath = await realpath(path);
    const info = await stat(realPath);
    return {realPath, size: info.size, mtimeMs: info.mtimeMs};
}

/**
 * SHA-256 of the file's first `bytes` bytes (its header), read in chunks so a big header never
 * holds the thread for long.
 */
export async function hashHeader(path: string, bytes: number, signal?: AbortSignal): Promise<string> {
    const hash = createHash("sha256");
    const handle = await open(path, "r");
    try {
        const buffer = Buffer.allocUnsafe(Math.min(HASH_CHUNK_BYTES, Math.max(1, bytes)));
        for (let offset = 0; offset < bytes;) {
            signal?.throwIfAborted();
            const {bytesRead} = await handle.read(buffer, 0, Math.min(buffer.length, bytes - offset), offset);
            if (bytesRead === 0)
                break;
            hash.update(buffer.subarray(0, bytesRead));
            offset += bytesRead;
        }
    } finally {
        await handle.close();
    }
    return hash.digest("hex");
}
