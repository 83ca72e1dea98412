import {spawn} from "node:child_process";
import {constants} from "node:fs";
import {lstat, readFile} from "node:fs/promises";
import {join} from "node:path";
import {isReadableWalkedFile} from "./fileAccessRules";
import {SKIPPED_FOLDERS, walkFiles} from "./fileWalker";
import {globToRegExp} from "./globPattern";
import {looksBinary} from "./textContent";
import type {TextMatch} from "./toolDefinition";
import type {WorkspaceFolderRoot} from "./workspacePaths";

export interface TextSearchOptions {
    readonly query: string;
    /** Glob of files to search; null for all. */
    readonly include: string | null;
    readonly max: number;
    readonly signal?: AbortSignal;
    /** ripgrep's binary (VS Code ships one); without it a slower built-in search runs. */
    readonly ripgrep?: string;
    /** Display prefix per root in multi-root workspaces. */
    readonly prefix: (root: WorkspaceFolderRoot) => string;
}

/** Files the built-in search reads at most, so a huge workspace cannot stall the chat. */
const FALLBACK_MAX_FILES = 5000;
const FALLBACK_MAX_BYTES = 1 << 20;

/** Literal, case-sensitive text search over the workspace folders. */
export async function searchWorkspaceText(roots: readonly WorkspaceFolderRoot[], options: TextSearchOptions): Promise<TextMatch[]> {
    const matches: TextMatch[] = [];
    for (const root of roots) {
        const left = options.max - matches.length;
        if (left <= 0)
            break;
        const found = options.ripgrep != null
            ? await ripgrepSearch(root, options, left).catch(() => fallbackSearch(root, options, left))
            : await fallbackSearch(root, options, left);
        for (const match of found)
            if (await readable(join(root.path, match.path)))
                matches.push({...match, path: options.prefix(root) + match.path});
    }
    return matches;
}

function ripgrepSearch(root: WorkspaceFolderRoot, options: TextSearchOptions, max: number): Promise<TextMatch[]> {
    const args = ["--json", "--fixed-strings", "--case-sensitive", "--sort", "path", "--max-count", String(max), "--max-filesize", "1M",
        ...[...SKIPPED_FOLDERS].flatMap((folder) => ["--glob", `!${folder}/`])];
    if (options.include != null)
        args.push("--glob", options.include);
    args.push("--", options.query, ".");
    return new Promise((resolve, reject) => {
        const child = spawn(options.ripgrep!, args, {cwd: root.path, stdio: ["ignore", "pipe", "ignore"], signal: options.signal});
        const matches: TextMatch[] = [];
        let buffered = "";
        child.stdout.setEncoding("utf8");
        child.stdout.on("data", (chunk: string) => {
            buffered += chunk;
            const lines = buffered.split("\n");
            buffered = lines.pop() ?? "";
            for (const line of lines) {
                const match = parseRipgrepLine(line);
                if (match != null && matches.length < max)
                    matches.push(match);
            }
            if (matches.length >= max)
                child.kill();
        });
        child.on("error", reject);
        // Exit code 1 means "no matches"; a kill after enough matches is fine too.
        child.on("close", (code, signal) => code === 0 || code === 1 || signal != null ? resolve(matches) : reject(new Error(`ripgrep exited with ${code}`)));
    });
}

function parseRipgrepLine(line: string): TextMatch | undefined {
    try {
        const event = JSON.parse(line) as {type: string; data?: {path?: {text?: string}; line_number?: number; lines?: {text?: string}}};
        if (event.type !== "match" || event.data?.path?.text == null)
            return undefined;
        return {
            path: event.data.path.text.replace(/^\.\//, "").replace(/\\/g, "/"),
            line: event.data.line_number ?? 0,
            text: (event.data.lines?.text ?? "").replace(/\r?\n$/, "")
        };
    } catch {
        return undefined;
    }
}

async function fallbackSearch(root: WorkspaceFolderRoot, options: TextSearchOptions, max: number): Promise<TextMatch[]> {
    const include = options.include != null ? globToRegExp(options.include) : undefined;
    const matches: TextMatch[] = [];
    for (const file of await walkFiles(root.path, FALLBACK_MAX_FILES, options.signal)) {
        if (include != null && !include.test(file))
            continue;
        // The walk lists regular files only; one swapped for a pipe since then would block a read.
        if (!await readable(join(root.path, file)))
            continue;
        const bytes = await readFile(join(root.path, file), {flag: constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)}).catch(() => undefined);
        if (bytes == null || bytes.length > FALLBACK_MAX_BYTES || looksBinary(bytes))
            continue;
        const lines = bytes.toString("utf8").split(/\r?\n/);
        for (let i = 0; i < lines.length && matches.length < max; i++)
            if (lines[i]!.includes(options.query))
                matches.push({path: file, line: i + 1, text: lines[i]!});
        if (matches.length >= max)
            break;
    }
    return matches;
}

/** The same rule as the file tools: a hard-linked file (its other names may be outside) is not searched. */
async function readable(path: string): Promise<boolean> {
    const info = await lstat(path).catch(() => undefined);
    return info != null && isReadableWalkedFile(info);
}
