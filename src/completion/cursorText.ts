/** How much text around the cursor a completion looks at, in lines. */
export interface TextWindow {
    /** Whole lines above the anchor line that the prompt may use. Default: 256. */
    readonly linesAbove: number;
    /** Whole lines below the cursor line that the prompt may use. Default: 64. */
    readonly linesBelow: number;
    /** Characters kept from any one line; longer lines (minified files) are cut. Default: 2000. */
    readonly maxLineChars: number;
    /**
     * Most whole lines between the anchor and the cursor. Lines typed since the anchor go after the
     * middle token, so pressing Enter does not invalidate the suffix in the KV cache. Default: 32.
     */
    readonly maxVolatileLines: number;
    /** About one line in this many is an anchor (chosen by content, so it never depends on line numbers). Default: 8. */
    readonly anchorSpacing: number;
}

export const DEFAULT_TEXT_WINDOW: TextWindow = {linesAbove: 256, linesBelow: 64, maxLineChars: 2000, maxVolatileLines: 32, anchorSpacing: 8};

/** The text around the cursor, split the way the prompt uses it. Line ends are "\n". */
export interface CursorText {
    /** Whole lines above the anchor, each ending in "\n" (may be ""). */
    readonly stable: string;
    /** Whole lines from the anchor to the cursor line, then the current line up to the cursor. */
    readonly volatile: string;
    /**
     * The rest of the current line, then the lines below (each starting with "\n"). A rest of line
     * made only of closing brackets, quotes and punctuation (what auto-closing inserts) is left out:
     * it changes with every bracket typed, and each change would invalidate the whole suffix in the
     * KV cache. Post-processing still sees it (`lineSuffix`) and cuts what it would repeat.
     */
    readonly suffix: string;
    /** The current line up to the cursor. */
    readonly linePrefix: string;
    /** The current line after the cursor. */
    readonly lineSuffix: string;
    /** Whole lines below the cursor line. */
    readonly nextLines: readonly string[];
}

/** Lines of prefix text a caller must pass for `splitCursorText` to see everything it may use. */
export function prefixLinesNeeded(window: TextWindow): number {
    return window.linesAbove + window.maxVolatileLines + 1;
}

/**
 * Splits the text before and after the cursor into the prompt's parts. A pure function of the text
 * (not of line numbers or history), so the CLI and the editor build the same prompt for the same
 * prefix and suffix, and text beyond the window never matters: callers may pass the whole file or
 * just the window.
 *
 * The anchor is the start of a line a little above the cursor, chosen by a hash of the line above
 * it. It stays put while the user types on and below it, so the stable part (and everything laid out
 * after it in the prompt) stays identical between keystrokes.
 */
export function splitCursorText(prefix: string, suffix: string, window: TextWindow = DEFAULT_TEXT_WINDOW): CursorText {
    const clip = (line: string) => line.length > window.maxLineChars ? line.slice(0, window.maxLineChars) : line;
    const prefixLines = normalizeLineEnds(prefix).split("\n");
    const rawLinePrefix = prefixLines.pop() ?? "";
    const linePrefix = rawLinePrefix.length > window.maxLineChars ? rawLinePrefix.slice(-window.maxLineChars) : rawLinePrefix;
    const above = prefixLines.slice(Math.max(0, prefixLines.length - prefixLinesNeeded(window) + 1)).map(clip);
    const anchor = anchorIndex(above, window);
    const stableLines = above.slice(Math.max(0, anchor - window.linesAbove), anchor);
    const volatileLines = above.slice(anchor);
    const suffixLines = normalizeLineEnds(suffix).split("\n");
    const lineSuffix = clip(suffixLines[0] ?? "");
    const nextLines = suffixLines.slice(1, 1 + window.linesBelow).map(clip);
    return {
        stable: stableLines.map((l) => l + "\n").join(""),
        volatile: volatileLines.map((l) => l + "\n").join("") + linePrefix,
        suffix: [onlyClosers(lineSuffix) ? "" : lineSuffix, ...nextLines].join("\n"),
        linePrefix,
        lineSuffix,
        nextLines
    };
}

/**
 * Index in `above` of the first volatile line: just after the nearest anchor line within
 * `maxVolatileLines` of the cursor, else the cursor line itself (only the current line is volatile).
 */
function anchorIndex(above: readonly string[], window: TextWindow): number {
    const spacing = Math.max(1, Math.floor(window.anchorSpacing));
    const lowest = Math.max(0, above.length - window.maxVolatileLines);
    for (let i = above.length; i > lowest; i--) {
        // The boundary falls after line i-1; its hash mixes in line i-2 so runs of identical lines
        // (blank lines, lone braces) are not all anchors or all not.
        if (lineHash(`${above[i - 2] ?? ""}\n${above[i - 1]!}`) % spacing === 0)
            return i;
    }
    return above.length;
}

/** `)`, `")`, `]);` and the like: text an editor's auto-closing puts after the cursor. */
function onlyClosers(rest: string): boolean {
    return /^[\s)\]}"'`;,.]*$/.test(rest);
}

/** FNV-1a over UTF-16 code units: fast, stable across runs and platforms. */
export function lineHash(text: string): number {
    let hash = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
        hash ^= text.charCodeAt(i);
        hash = Math.imul(hash, 0x01000193);
    }
    return hash >>> 0;
}

export function normalizeLineEnds(text: string): string {
    return text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text;
}
