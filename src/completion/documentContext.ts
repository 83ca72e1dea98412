/** The text around the cursor that a completion sees; plain data so it is testable without VS Code. */
export interface CursorContext {
    readonly prefix: string;
    readonly suffix: string;
}

export interface DocumentLike {
    readonly lineCount: number;
    lineAt(line: number): {readonly text: string};
}

export interface ContextBudget {
    /** Whole lines above the cursor line to include. */
    readonly linesAbove: number;
    /** Whole lines below the cursor line to include. */
    readonly linesBelow: number;
    /** Characters kept from any single line; longer lines are cut (minified files). */
    readonly maxLineChars: number;
}

export const DEFAULT_CONTEXT_BUDGET: ContextBudget = {linesAbove: 256, linesBelow: 64, maxLineChars: 2000};

/**
 * Prefix = whole lines above the cursor + the current line up to the cursor; suffix = the rest
 * of the line + whole lines below. Only the lines within budget are read, so a huge file costs
 * the same as a small one.
 */
export function cursorContext(doc: DocumentLike, line: number, character: number, budget = DEFAULT_CONTEXT_BUDGET): CursorContext {
    const clip = (text: string) => text.length > budget.maxLineChars ? text.slice(0, budget.maxLineChars) : text;
    const current = doc.lineAt(line).text;
    const above: string[] = [];
    for (let l = Math.max(0, line - budget.linesAbove); l < line; l++)
        above.push(clip(doc.lineAt(l).text) + "\n");
    const below: string[] = [];
    for (let l = line + 1; l < Math.min(doc.lineCount, line + 1 + budget.linesBelow); l++)
        below.push("\n" + clip(doc.lineAt(l).text));
    const before = current.slice(Math.max(0, character - budget.maxLineChars), character);
    const after = clip(current.slice(character));
    return {prefix: above.join("") + before, suffix: after + below.join("")};
}
