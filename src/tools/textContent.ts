import {ToolError} from "./toolError";

/** Limits on what one read gives the model; small local models have small contexts. */
export interface ReadLimits {
    /** Default: 250. */
    readonly maxLines: number;
    /** Default: 12,000. */
    readonly maxChars: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = {maxLines: 250, maxChars: 12_000};

/** Bytes looked at to tell text from binary, as git and VS Code do. */
const SNIFF_BYTES = 8192;

/** True when the bytes look like a binary file: a NUL byte, or many bytes that are not UTF-8 text. */
export function looksBinary(bytes: Uint8Array): boolean {
    const sample = bytes.subarray(0, SNIFF_BYTES);
    if (sample.includes(0))
        return true;
    const text = new TextDecoder("utf-8", {fatal: false}).decode(sample);
    let replaced = 0;
    for (const ch of text)
        if (ch === "\uFFFD")
            replaced++;
    // A cut at the end of the sample can split one multi-byte character.
    return replaced > 2 && replaced / Math.max(1, text.length) > 0.05;
}

/** Decodes file bytes as UTF-8 text, refusing binary files with a message the model understands. */
export function decodeText(bytes: Uint8Array, displayPath: string): string {
    if (looksBinary(bytes))
        throw new ToolError(`${displayPath} is a binary file (${bytes.length} bytes); only text files can be read.`);
    return new TextDecoder("utf-8").decode(bytes).replace(/^\uFEFF/, "");
}

export interface LineSlice {
    readonly text: string;
    readonly firstLine: number;
    readonly lastLine: number;
    readonly totalLines: number;
    /** Set when fewer lines were returned than asked for; says how to read on. */
    readonly note?: string;
}

/**
 * Lines `startLine..endLine` (1-based, inclusive; null means from the start / to the end),
 * cut to the read limits with a note that tells the model how to read the rest.
 */
export function sliceLines(text: string, startLine: number | null, endLine: number | null, limits: ReadLimits = DEFAULT_READ_LIMITS): LineSlice {
    const lines = text.split(/\r?\n/);
    if (lines.length > 1 && lines[lines.length - 1] === "")
        lines.pop();
    const totalLines = lines.length;
    const first = Math.max(1, startLine ?? 1);
    const askedLast = Math.min(totalLines, endLine ?? totalLines);
    if (first > totalLines && totalLines > 0)
        throw new ToolError(`The file has ${totalLines} lines, so it has no line ${first}.`);
    if (endLine != null && endLine < first)
        throw new ToolError(`endLine (${endLine}) is before startLine (${first}).`);
    let last = Math.min(askedLast, first + limits.maxLines - 1);
    let out = lines.slice(first - 1, last).join("\n");
    if (out.length > limits.maxChars) {
        const cut = out.lastIndexOf("\n", limits.maxChars);
        out = cut > 0 ? out.slice(0, cut) : out.slice(0, limits.maxChars);
        last = first + out.split("\n").length - 1;
    }
    const note = last < askedLast
        ? `Showing lines ${first}-${last} of ${totalLines} (the file is too large to read at once). ` +
          `Call readFile again with startLine ${last + 1} to read on.`
        : undefined;
    return {text: out, firstLine: first, lastLine: last, totalLines, ...(note != null ? {note} : {})};
}

/** Cuts long output (command output, search results) to `maxChars`, keeping the start and saying so. */
export function truncateText(text: string, maxChars: number, what: string): string {
    if (text.length <= maxChars)
        return text;
    return `${text.slice(0, maxChars)}\n[${what} truncated: ${text.length - maxChars} more characters not shown]`;
}
