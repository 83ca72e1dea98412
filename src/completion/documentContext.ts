import {DEFAULT_TEXT_WINDOW, prefixLinesNeeded, type TextWindow} from "./cursorText";

/** The text around the cursor that a completion sees; plain data so it is testable without VS Code. */
export interface CursorContext {
    readonly prefix: string;
    readonly suffix: string;
}

export interface DocumentLike {
    readonly lineCount: number;
    lineAt(line: number): {readonly text: string};
}

/**
 * The prefix and suffix the completion pipeline can use, read line by line from the document: only
 * the lines within the window are touched, so a huge file costs the same as a small one, and a huge
 * line is cut before it is copied around. `splitCursorText` gives the same result for this window as
 * for the whole file.
 */
export function cursorContext(doc: DocumentLike, line: number, character: number, window: TextWindow = DEFAULT_TEXT_WINDOW): CursorContext {
    const clip = (text: string) => text.length > window.maxLineChars ? text.slice(0, window.maxLineChars) : text;
    const current = doc.lineAt(line).text;
    const above: string[] = [];
    for (let l = Math.max(0, line - prefixLinesNeeded(window) + 1); l < line; l++)
        above.push(clip(doc.lineAt(l).text) + "\n");
    const below: string[] = [];
    for (let l = line + 1; l < Math.min(doc.lineCount, line + 1 + window.linesBelow); l++)
        below.push("\n" + clip(doc.lineAt(l).text));
    const before = current.slice(Math.max(0, character - window.maxLineChars), character);
    const after = clip(current.slice(character));
    return {prefix: above.join("") + before, suffix: after + below.join("")};
}

/** Text with NUL characters is a binary file opened as text: never sent to the model. */
export function looksBinary(context: CursorContext): boolean {
    return context.prefix.includes("\0") || context.suffix.includes("\0");
}
