import {unwatchFile, watchFile, type Stats} from "node:fs";

/** Calls `onDeleted` when the file at `path` is deleted, until disposed. */
export type DeletionWatch = (path: string, onDeleted: () => void) => {dispose(): void};

/** How often the file is checked: deleting a model file is rare, and a late warning is fine. */
const POLL_MS = 5000;

/**
 * Watches by polling, because a model file is usually outside the workspace, where VS Code's
 * watchers do not reach. A deleted file reads as size 0 with no links.
 */
export function pollForDeletion(path: string, onDeleted: () => void, intervalMs = POLL_MS): {dispose(): void} {
    const listener = (current: Stats) => {
        if (current.nlink === 0 && current.size === 0)
            onDeleted();
    };
    watchFile(path, {interval: intervalMs, persistent: false}, listener);
    return {dispose: () => unwatchFile(path, listener)};
}
