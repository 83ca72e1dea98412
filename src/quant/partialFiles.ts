import {readdir, rm, stat} from "node:fs/promises";
import {join} from "node:path";

/**
 * Where a quantization writes before its output is complete: beside the final file (so the
 * rename is atomic) and named after the writing process, so a sweep can tell a live write from
 * one whose process died.
 */
export function partialPathFor(outputPath: string, writerPid: number): string {
    return `${outputPath}.${writerPid}.partial`;
}

const PARTIAL_NAME = /\.gguf\.(\d+)\.partial$/i;

/** A partial file nobody touched for this long is stale even if a process with its pid exists. */
const STALE_AFTER_MS = 60 * 60 * 1000;

export interface SweepOptions {
    /** Default: signal 0 to the pid. */
    readonly isAlive?: (pid: number) => boolean;
    readonly now?: number;
}

/**
 * Removes quantization leftovers (`*.gguf.<pid>.partial`) in `dirs` whose writer is gone or that
 * have not changed for an hour. Returns the removed paths. Missing folders are skipped: this runs
 * at activation and must never fail it.
 */
export async function sweepPartialFiles(dirs: readonly string[], options: SweepOptions = {}): Promise<string[]> {
    const isAlive = options.isAlive ?? processIsAlive;
    const now = options.now ?? Date.now();
    const removed: string[] = [];
    for (const dir of new Set(dirs)) {
        let names: string[];
        try {
            names = await readdir(dir);
        } catch {
            continue;
        }
        for (const name of names) {
            const match = PARTIAL_NAME.exec(name);
            if (match == null)
                continue;
            const path = join(dir, name);
            const info = await stat(path).catch(() => undefined);
            if (info == null || !info.isFile())
                continue;
            if (isAlive(Number(match[1])) && now - info.mtimeMs < STALE_AFTER_MS)
                continue;
            await rm(path, {force: true});
            removed.push(path);
        }
    }
    return removed;
}

function processIsAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (err) {
        return (err as NodeJS.ErrnoException).code === "EPERM";
    }
}
