/** Other processes, as tests see them: whether one is running, and waits with a deadline. */
import {readFileSync} from "node:fs";

/** Whether a process runs; a zombie (killed, not yet reaped by its reparented init) does not. */
export function isRunning(pid: number): boolean {
    if (!inProcessTable(pid))
        return false;
    try {
        return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
    } catch {
        return true;
    }
}

/**
 * `probe`'s first truthy answer, polled every 25 ms; undefined once `timeoutMs` has passed. A
 * deadline, not a count of tries: on a loaded machine another process can take seconds to start,
 * write or exit.
 */
export async function pollUntil<T>(probe: () => T | Promise<T>, timeoutMs: number): Promise<T | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await probe();
        if (value)
            return value;
        if (Date.now() > deadline)
            return undefined;
        await new Promise((r) => setTimeout(r, 25));
    }
}

/**
 * Whether `pid` has left the process table within `timeoutMs`, polled the way a supervisor would.
 * Stricter than `isRunning`: a zombie still holds its pid, and the CLI's sweep of partial files
 * counts a pid that exists as a live owner.
 */
export async function exitsWithin(pid: number, timeoutMs: number): Promise<boolean> {
    return await pollUntil(() => !inProcessTable(pid), timeoutMs) === true;
}

function inProcessTable(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
}
