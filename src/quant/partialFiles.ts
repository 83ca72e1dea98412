import {mkdir, readdir, readFile, rm, stat, writeFile} from "node:fs/promises";
import {join} from "node:path";

/**
 * Where a file is written before it is complete: beside the final file (so the rename is
 * atomic) and named after the writing process, so a sweep can tell a live write from one whose
 * process died. Quantizations and generated models use `<out>.gguf.<pid>.partial`; caches and
 * saved reports `<file>.<pid>.tmp`. Neither ends in `.gguf` or `.json`, so nothing that lists
 * models or reads a cache ever takes one for a complete file.
 */
export function partialPathFor(outputPath: string, writerPid: number): string {
    return `${outputPath}.${writerPid}.partial`;
}

/** A cache or report file's temporary name (see {@link partialPathFor}). */
export function tempPathFor(path: string, writerPid: number = process.pid): string {
    return `${path}.${writerPid}.tmp`;
}

/**
 * Ours only: `<model>.gguf.<pid>.partial` and `<cache file>.(bin|json).<pid>.tmp` carry their
 * writer's pid; the older pid-less `.gguf.partial` and `.(bin|json).tmp` do not. A user's own
 * `.tmp` file beside a model never matches.
 */
const LEFTOVER_NAME = /\.gguf\.(\d+)\.partial$|\.(?:bin|json)\.(\d+)\.tmp$|\.gguf\.partial$|\.(?:bin|json)\.tmp$/i;

/** A leftover nobody touched for this long is stale even if a process with its pid exists (pids are reused). */
const STALE_AFTER_MS = 60 * 60 * 1000;

/** Whether a file name is a write in progress (or one a killed process left), never a complete file. */
export function isLeftoverName(name: string): boolean {
    return LEFTOVER_NAME.test(name);
}

export interface SweepOptions {
    /** Default: signal 0 to the pid. */
    readonly isAlive?: (pid: number) => boolean;
    readonly now?: number;
    /** Also sweep each folder's subfolders, one level down (a cache keeps one folder per key). Default: false. */
    readonly subfolders?: boolean;
}

/**
 * Removes leftovers of writes whose writer is gone (or that have not changed for an hour) from
 * `dirs`: `*.gguf.<pid>.partial`, `*.(bin|json).<pid>.tmp`, and the pid-less older names after
 * an hour. Returns the removed paths. Missing folders are skipped: this runs at start-up
 * and must never fail it.
 */
export async function sweepPartialFiles(dirs: readonly string[], options: SweepOptions = {}): Promise<string[]> {
    const isAlive = options.isAlive ?? processIsAlive;
    const now = options.now ?? Date.now();
    const removed: string[] = [];
    for (const dir of await withSubfolders(dirs, options.subfolders === true)) {
        const names = await readdir(dir).catch(() => [] as string[]);
        for (const name of names) {
            const match = LEFTOVER_NAME.exec(name);
            if (match == null)
                continue;
            const path = join(dir, name);
            const info = await stat(path).catch(() => undefined);
            if (info == null || !info.isFile())
                continue;
            const pid = match[1] ?? match[2];
            const fresh = now - info.mtimeMs < STALE_AFTER_MS;
            if (fresh && (pid == null || isAlive(Number(pid))))
                continue;
            await rm(path, {force: true});
            removed.push(path);
        }
    }
    return removed;
}

async function withSubfolders(dirs: readonly string[], subfolders: boolean): Promise<string[]> {
    const all = new Set(dirs);
    if (subfolders)
        for (const dir of dirs)
            for (const entry of await readdir(dir, {withFileTypes: true}).catch(() => []))
                if (entry.isDirectory())
                    all.add(join(dir, entry.name));
    return [...all];
}

const RECORD_FILE = "quantize-output-dirs.json";
const MAX_RECORDED = 20;

/** Remembers a folder a quantization writes to, so the next start can sweep what a kill left there. */
export async function recordQuantizeDir(stateDir: string, dir: string): Promise<void> {
    const dirs = await recordedQuantizeDirs(stateDir);
    const next = [dir, ...dirs.filter((d) => d !== dir)].slice(0, MAX_RECORDED);
    await mkdir(stateDir, {recursive: true});
    const path = join(stateDir, RECORD_FILE);
    await writeFile(path, JSON.stringify(next));
}

/** The folders {@link recordQuantizeDir} remembered, newest first; none when the record is missing or damaged. */
export async function recordedQuantizeDirs(stateDir: string): Promise<string[]> {
    try {
        const parsed: unknown = JSON.parse(await readFile(join(stateDir, RECORD_FILE), "utf8"));
        return Array.isArray(parsed) ? parsed.filter((d): d is string => typeof d === "string") : [];
    } catch {
        return [];
    }
}

function processIsAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (err) {
        return (err as NodeJS.ErrnoException).code === "EPERM";
    }
}
