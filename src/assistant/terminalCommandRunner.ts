import * as vscode from "vscode";
import {spawn, type ChildProcess} from "node:child_process";
import type {CommandResult} from "../tools/toolDefinition";

/** Output kept for the model while a command runs; the terminal shows all of it. */
const MAX_CAPTURE_CHARS = 64_000;
/** Terminal colour and title sequences, removed from what the model is given. */
const ESC = "\u001b";
const BEL = "\u0007";
const ANSI = new RegExp(`${ESC}\\[[0-9;?]*[ -/]*[@-~]|${ESC}\\][^${BEL}]*${BEL}`, "g");

export interface CommandRunOptions {
    readonly command: string;
    readonly cwd: string;
    readonly signal: AbortSignal;
    /** The command is stopped after this long. */
    readonly timeoutMs: number;
}

/**
 * Runs a command the user approved in a terminal of its own (a pseudoterminal over a child
 * process, so the output and exit code come back exactly, whatever the user's shell setup), and
 * shows it there as it runs. A stop kills the command.
 */
export function runInTerminal(options: CommandRunOptions): Promise<CommandResult> {
    return new Promise((resolve) => {
        const writeEmitter = new vscode.EventEmitter<string>();
        const closeEmitter = new vscode.EventEmitter<number | void>();
        let child: ChildProcess | undefined;
        let captured = "";
        const write = (text: string) => writeEmitter.fire(text.replace(/\r?\n/g, "\r\n"));
        const finish = (exitCode: number | null, note?: string) => {
            clearTimeout(timer);
            options.signal.removeEventListener("abort", stop);
            if (note != null)
                write(`\n${note}\n`);
            write(`\n[QuantPilot: exited with code ${exitCode ?? "none"}]\n`);
            resolve({ran: true, exitCode, output: captured.replace(ANSI, "") + (note != null ? `\n${note}` : "")});
        };
        const stop = () => {
            if (child?.pid != null)
                killTree(child);
        };
        const timer = setTimeout(() => {
            stop();
            write(`\n[QuantPilot: stopped after ${Math.round(options.timeoutMs / 1000)} s]\n`);
        }, options.timeoutMs);
        options.signal.addEventListener("abort", stop, {once: true});
        const pty: vscode.Pseudoterminal = {
            onDidWrite: writeEmitter.event,
            onDidClose: closeEmitter.event,
            open: () => {
                write(`\u001b[1m$ ${options.command}\u001b[0m\n`);
                child = spawnShell(options.command, options.cwd);
                const onData = (data: Buffer) => {
                    const text = data.toString("utf8");
                    write(text);
                    if (captured.length < MAX_CAPTURE_CHARS)
                        captured += text.slice(0, MAX_CAPTURE_CHARS - captured.length);
                };
                child.stdout?.on("data", onData);
                child.stderr?.on("data", onData);
                child.on("error", (err) => finish(null, `Could not start the command: ${err.message}`));
                child.on("close", (code, signal) => finish(code, signal != null ? `Stopped (${signal}).` : undefined));
            },
            close: stop,
            handleInput: (data) => child?.stdin?.write(data === "\r" ? "\n" : data)
        };
        const terminal = vscode.window.createTerminal({name: `QuantPilot: ${shorten(options.command)}`, pty});
        terminal.show(true);
    });
}

function spawnShell(command: string, cwd: string): ChildProcess {
    if (process.platform === "win32")
        return spawn(process.env.ComSpec ?? "cmd.exe", ["/d", "/s", "/c", command], {cwd, windowsVerbatimArguments: true});
    return spawn(process.env.SHELL ?? "/bin/sh", ["-c", command], {cwd, detached: true, env: {...process.env, TERM: "xterm-256color"}});
}

/** Kills the command with everything it started (it runs in its own process group). */
function killTree(child: ChildProcess): void {
    try {
        if (process.platform !== "win32" && child.pid != null)
            process.kill(-child.pid, "SIGTERM");
        else
            child.kill();
    } catch {
        child.kill();
    }
}

function shorten(command: string): string {
    return command.length > 40 ? `${command.slice(0, 39)}…` : command;
}
