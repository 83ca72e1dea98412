import {spawn, spawnSync} from "node:child_process";

export interface BuildProcessOptions {
    readonly command: string;
    readonly args: readonly string[];
    readonly env: NodeJS.ProcessEnv;
    readonly cwd?: string;
    /** Aborting kills the process and everything it started (npm, cmake, make, the compilers). */
    readonly signal?: AbortSignal;
    /** Every line of output (stdout and stderr), without colour codes. */
    readonly onLine: (line: string) => void;
}

export interface BuildProcessExit {
    readonly code: number | null;
    readonly aborted: boolean;
}

/** After SIGTERM, how long the build gets to stop before SIGKILL. */
const KILL_GRACE_MS = 3000;

/**
 * Runs a long build as a child process in its own process group, streaming its output line by
 * line. Cancelling kills the whole group, so no compiler keeps running after the user said stop.
 */
export function runBuildProcess(options: BuildProcessOptions): Promise<BuildProcessExit> {
    return new Promise((resolve, reject) => {
        if (options.signal?.aborted) {
            resolve({code: null, aborted: true});
            return;
        }
        const child = spawn(options.command, options.args, {
            env: options.env,
            cwd: options.cwd,
            stdio: ["ignore", "pipe", "pipe"],
            detached: process.platform !== "win32",
            windowsHide: true
        });
        const stdout = lineSplitter(options.onLine);
        const stderr = lineSplitter(options.onLine);
        child.stdout.on("data", stdout.push);
        child.stderr.on("data", stderr.push);
        let aborted = false;
        let killTimer: NodeJS.Timeout | undefined;
        const onAbort = () => {
            aborted = true;
            killTree(child.pid, "SIGTERM");
            killTimer = setTimeout(() => killTree(child.pid, "SIGKILL"), KILL_GRACE_MS);
        };
        options.signal?.addEventListener("abort", onAbort, {once: true});
        child.on("error", (err) => {
            options.signal?.removeEventListener("abort", onAbort);
            reject(err);
        });
        child.on("close", (code) => {
            options.signal?.removeEventListener("abort", onAbort);
            clearTimeout(killTimer);
            stdout.flush();
            stderr.flush();
            // The group leader may exit before its children; make sure none is left behind.
            if (aborted)
                killTree(child.pid, "SIGKILL");
            resolve({code, aborted});
        });
    });
}

function killTree(pid: number | undefined, signal: NodeJS.Signals): void {
    if (pid == null)
        return;
    try {
        if (process.platform === "win32")
            spawnSync("taskkill", ["/pid", String(pid), "/T", "/F"], {windowsHide: true});
        else
            process.kill(-pid, signal);
    } catch {
        // already gone
    }
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07/g;

/** Splits a byte stream into lines; carriage returns (spinners, progress bars) end lines too. */
export function lineSplitter(onLine: (line: string) => void): {push(chunk: Buffer | string): void; flush(): void} {
    let pending = "";
    const emit = (line: string) => {
        const clean = line.replace(ANSI, "").trimEnd();
        if (clean.trim() !== "")
            onLine(clean);
    };
    return {
        push(chunk) {
            pending += chunk.toString();
            const parts = pending.split(/\r\n|\n|\r/);
            pending = parts.pop() ?? "";
            for (const part of parts)
                emit(part);
        },
        flush() {
            emit(pending);
            pending = "";
        }
    };
}

/**
 * The fraction a build line reports: Ninja's "[12/277] Building ..." or Make's "[ 45%] Building ...".
 * Undefined for other lines.
 */
export function buildProgressOf(line: string): number | undefined {
    const trimmed = line.trim();
    const ninja = /^\[(\d+)\/(\d+)\]/.exec(trimmed);
    if (ninja != null) {
        const [done, total] = [Number(ninja[1]), Number(ninja[2])];
        return total > 0 && done <= total ? done / total : undefined;
    }
    const make = /^\[\s*(\d{1,3})%\]/.exec(trimmed);
    return make == null ? undefined : Math.min(100, Number(make[1])) / 100;
}
