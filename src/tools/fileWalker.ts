import {readdir} from "node:fs/promises";
import {join} from "node:path";

/** Folders never worth walking into for the model: dependencies, build output, VCS data. */
export const SKIPPED_FOLDERS = new Set([".git", "node_modules", ".hg", ".svn", "dist", "out", "build", ".cache", "__pycache__", ".venv", "venv", "target"]);

/**
 * Relative file paths (forward slashes) under `root`, breadth-first, at most `max`, skipping
 * {@link SKIPPED_FOLDERS}. Symbolic links are not followed, so a walk stays inside the folder.
 */
export async function walkFiles(root: string, max: number, signal?: AbortSignal): Promise<string[]> {
    const files: string[] = [];
    const queue = [""];
    while (queue.length > 0 && files.length < max) {
        signal?.throwIfAborted();
        const dir = queue.shift()!;
        const entries = await readdir(join(root, dir), {withFileTypes: true}).catch(() => []);
        entries.sort((a, b) => a.name.localeCompare(b.name));
        for (const entry of entries) {
            const rel = dir === "" ? entry.name : `${dir}/${entry.name}`;
            if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name))
                queue.push(rel);
            else if (entry.isFile() && files.length < max)
                files.push(rel);
        }
    }
    return files;
}
