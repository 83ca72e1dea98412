import {ToolError} from "./toolError";

/**
 * The file text after replacing `find` with `replace`. `find` must occur exactly once, so a
 * small model's edit cannot land in the wrong place; when it occurs more than once the model is
 * told to include more surrounding lines. Line endings of the file are kept.
 */
export function applyFindReplace(text: string, find: string, replace: string, displayPath: string): string {
    if (find === "")
        throw new ToolError("`find` is empty. Give the exact text to replace, copied from the file.");
    const eol = text.includes("\r\n") ? "\r\n" : "\n";
    const target = find.replace(/\r?\n/g, eol);
    const first = text.indexOf(target);
    if (first < 0)
        throw new ToolError(
            `The text to find does not occur in ${displayPath}. Read the file first and copy the lines exactly, including indentation.`
        );
    if (text.indexOf(target, first + 1) >= 0)
        throw new ToolError(
            `The text to find occurs ${countOccurrences(text, target)} times in ${displayPath}. Include more surrounding lines so it matches once.`
        );
    return text.slice(0, first) + replace.replace(/\r?\n/g, eol) + text.slice(first + target.length);
}

function countOccurrences(text: string, target: string): number {
    let count = 0;
    for (let i = text.indexOf(target); i >= 0; i = text.indexOf(target, i + 1))
        count++;
    return count;
}
