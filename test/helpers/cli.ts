import {spawn} from "node:child_process";
import {join} from "node:path";
import {REPO_ROOT} from "./paths";

export interface CliRun {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/**
 * Runs the CLI in a child process with a clean exit code: the built one (dist/cli.js, what users
 * run) when QUANTPILOT_CLI=dist (`npm run test:model` builds it and sets that), else the
 * TypeScript entry through tsx, which compiles the CLI again for every run (2-3x slower to start).
 */
export function runCli(args: string[], options: {timeoutMs?: number; env?: NodeJS.ProcessEnv} = {}): Promise<CliRun> {
    const entry = process.env.QUANTPILOT_CLI === "dist"
        ? [join(REPO_ROOT, "dist", "cli.js")]
        : ["--import", "tsx", join(REPO_ROOT, "src", "cli", "cli.ts")];
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [...entry, ...args], {
            cwd: REPO_ROOT,
            env: {...process.env, ...options.env},
            stdio: ["ignore", "pipe", "pipe"]
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => stdout += d.toString());
        child.stderr.on("data", (d: Buffer) => stderr += d.toString());
        const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
        child.on("error", reject);
        child.on("close", (code) => {
            clearTimeout(timer);
            resolve({code, stdout, stderr});
        });
    });
}

/** The last line of stdout parsed as JSON (the CLI's --json contract). */
export function lastJsonLine<T = Record<string, unknown>>(run: CliRun): T {
    const lines = run.stdout.trim().split("\n");
    return JSON.parse(lines[lines.length - 1]!) as T;
}

/** What `quantpilot tools-eval --json` prints as its last line. */
export interface ToolsEvalJson {
    cases: number;
    calls: number;
    validCalls: number;
    correctCalls: number;
    accuracy: number;
    ci95: [number, number];
    mode: string;
}
