import type {CursorText} from "./cursorText";
import {normalizeLineEnds} from "./cursorText";
import type {LanguageSyntax} from "./languageSyntax";

/** Everything post-processing looks at besides the generated text. */
export interface SuggestionContext {
    readonly text: Pick<CursorText, "linePrefix" | "lineSuffix" | "nextLines">;
    readonly syntax: LanguageSyntax;
    /** Spellings of the model's special tokens; generated text is cut where one leaks. */
    readonly specialTexts: readonly string[];
    /**
     * The whitespace at the end of the line prefix that the prompt left out (`heldBackWhitespace`):
     * the model writes it again, and it is taken off the start of the generated text. Default: "".
     */
    readonly heldBack?: string;
}

/**
 * The space or tab the cursor's line ends with, which the prompt leaves out. BPE tokenizers
 * (Qwen2.5, Llama 3, StarCoder; SentencePiece's "▁" alike) put the last whitespace before a word
 * inside the word's token: "\n    if" is "\n", "   ", " if". A prompt ending in the whole
 * indentation "    " is one the model never saw in training; it answers " if", one space too deep,
 * and every line after it follows. Without that one character the prompt ends as training text
 * does, and the model writes it again as the start of its next token.
 */
export function heldBackWhitespace(linePrefix: string): string {
    const last = linePrefix.at(-1);
    return last === " " || last === "\t" ? last : "";
}

/** The generated text without the held-back whitespace, when it starts by writing it again. */
function withoutHeldBack(raw: string, heldBack: string | undefined): string {
    return heldBack != null && heldBack !== "" && raw.startsWith(heldBack) ? raw.slice(heldBack.length) : raw;
}

/**
 * One line when the cursor is mid-line (text after it, or code before it that opens nothing) or in
 * a line comment; a block may follow an empty line or a line that opens one.
 */
export type SuggestionMode = "single" | "multi";

export function suggestionMode(context: SuggestionContext): SuggestionMode {
    return lineScans(context).mode;
}

/**
 * What a line ends with when the next lines continue it: a bracket, a block's colon, an
 * assignment, a comma, an arrow or a doc comment's start.
 */
const OPENS_NEXT_LINES = /(?:[{([:=,]|=>|\/\*\*?)[ \t]*$/;

/**
 * The cursor follows code that opens nothing: the user is finishing this line, so the suggestion
 * is the rest of it. A block after it costs generation time on every such pause (half of
 * bench:real's tasks) for lines that the next request writes anyway.
 */
function continuesLine(linePrefix: string): boolean {
    return linePrefix.trim() !== "" && !OPENS_NEXT_LINES.test(linePrefix);
}

interface LineScans {
    readonly mode: SuggestionMode;
    /** The current line before the cursor, and after it (continuing the string the prefix left open). */
    readonly before: BracketScan;
    readonly after: BracketScan;
}

/**
 * What the cursor's line says, scanned once per context: `isSuggestionDecided` runs after every
 * generated token, and none of this depends on the generated text.
 */
const scansByContext = new WeakMap<SuggestionContext, LineScans>();

function lineScans(context: SuggestionContext): LineScans {
    let scans = scansByContext.get(context);
    if (scans == null) {
        const {linePrefix, lineSuffix} = context.text;
        const before = scanBrackets(linePrefix, undefined, context.syntax);
        const after = scanBrackets(lineSuffix, before.quote, context.syntax);
        const single = lineSuffix.trim() !== "" || before.inComment || continuesLine(linePrefix);
        scans = {mode: single ? "single" : "multi", before, after};
        scansByContext.set(context, scans);
    }
    return scans;
}

/**
 * True once more generated text cannot change what `finishSuggestion` returns, so generation can
 * stop early without changing the result: a line break in single-line mode, the block's end, a
 * blank line, a repeat of the code below, three identical lines, an unmatched closing bracket the
 * suffix already has, or a leaked special token.
 */
export function isSuggestionDecided(raw: string, context: SuggestionContext): boolean {
    return findCut(withoutHeldBack(normalizeLineEnds(raw), context.heldBack), context, false).decided;
}

/** The text to show for the raw model output; "" when there is nothing worth showing. */
export function finishSuggestion(raw: string, context: SuggestionContext): string {
    const normalized = withoutHeldBack(normalizeLineEnds(raw), context.heldBack);
    const cut = normalized.slice(0, findCut(normalized, context, true).index);
    return tidy(cut, context);
}

interface Cut {
    readonly index: number;
    readonly decided: boolean;
}

function findCut(raw: string, context: SuggestionContext, ended: boolean): Cut {
    const special = firstSpecial(raw, context.specialTexts);
    const text = special < 0 ? raw : raw.slice(0, special);
    const complete = ended || special >= 0;
    const mode = suggestionMode(context);
    if (mode === "single") {
        const newline = text.indexOf("\n");
        const line = newline < 0 ? text : text.slice(0, newline);
        const bracket = unmatchedCloser(line, context);
        if (bracket >= 0)
            return {index: bracket, decided: true};
        return newline >= 0 ? {index: newline, decided: true} : {index: text.length, decided: complete};
    }
    const blockCut = endOfBlock(text, context, complete);
    const bracket = unmatchedCloser(text.slice(0, blockCut.index), context);
    if (bracket >= 0)
        return {index: bracket, decided: true};
    return blockCut.index < text.length || special >= 0 ? {index: blockCut.index, decided: true} : {index: text.length, decided: complete && blockCut.decided};
}

/** Where the suggestion leaves the block, reaches a blank line, starts repeating the code below, or loops. */
function endOfBlock(text: string, context: SuggestionContext, complete: boolean): Cut {
    const lines = text.split("\n");
    const blockIndent = indentation(context.text.linePrefix);
    // Compared whole, indentation included: an inner "    }" is not the function's "}" below.
    const nextCode = context.text.nextLines.find((l) => l.trim() !== "")?.trimEnd();
    let offset = lines[0]!.length + 1;
    for (let k = 1; k < lines.length; k++) {
        const line = lines[k]!;
        const lineComplete = k < lines.length - 1 || complete;
        const start = offset - 1;
        offset += line.length + 1;
        if (line.trim() === "") {
            // A blank line ends the block's paragraph: the suggestion is the statements that belong
            // together, and the next request continues after them (llama.vscode runs on to the budget).
            if (lineComplete && text.slice(0, start).trim() !== "")
                return {index: start, decided: true};
            continue;
        }
        // Indentation is known as soon as the line has a visible character.
        if (indentation(line) < blockIndent)
            return {index: start, decided: true};
        if (!lineComplete)
            continue;
        if (nextCode != null && line.trimEnd() === nextCode)
            return {index: start, decided: true};
        if (k >= 2 && line === lines[k - 1] && line === lines[k - 2])
            return {index: start - lines[k - 1]!.length - 1, decided: true};
    }
    return {index: text.length, decided: complete};
}

/**
 * Index of a closing bracket on the suggestion's first line that would unbalance the current line:
 * it matches nothing the suggestion opened, and every bracket the line left open before the cursor
 * is already closed by the text after it (typing `foo(a, |)` must not suggest `b)`).
 */
function unmatchedCloser(text: string, context: SuggestionContext): number {
    const {before, after} = lineScans(context);
    let available = before.open.length - after.unmatchedClosers;
    let quote = before.quote;
    let inStartQuote = quote != null;
    const open: string[] = [];
    for (let i = 0; i < text.length && text[i] !== "\n"; i++) {
        const c = text[i]!;
        if (quote != null) {
            if (c === "\\")
                i++;
            else if (c === quote) {
                // The cursor is inside a string the text after it already closes.
                if (inStartQuote && after.closesStartQuote)
                    return i;
                inStartQuote = false;
                quote = undefined;
            }
            continue;
        }
        if (c === '"' || c === "'" || c === "`")
            quote = c;
        else if (c === "(" || c === "[" || c === "{")
            open.push(c);
        else if (c === ")" || c === "]" || c === "}") {
            if (open.length > 0)
                open.pop();
            else if (available > 0)
                available--;
            else
                return i;
        }
    }
    return -1;
}

/** Brackets a line leaves open and closers it has with no opener, skipping strings and comments. */
function scanBrackets(line: string, quoteAtStart: string | undefined, syntax: LanguageSyntax): BracketScan {
    let quote = quoteAtStart;
    let inStartQuote = quote != null;
    let closesStartQuote = false;
    const open: string[] = [];
    let unmatchedClosers = 0;
    let inComment = false;
    for (let i = 0; i < line.length; i++) {
        const c = line[i]!;
        if (quote != null) {
            if (c === "\\")
                i++;
            else if (c === quote) {
                closesStartQuote ||= inStartQuote;
                inStartQuote = false;
                quote = undefined;
            }
            continue;
        }
        if (syntax.lineComments.some((start) => line.startsWith(start, i))) {
            inComment = true;
            break;
        }
        if (c === '"' || c === "'" || c === "`")
            quote = c;
        else if (c === "(" || c === "[" || c === "{")
            open.push(c);
        else if (c === ")" || c === "]" || c === "}") {
            if (open.length > 0)
                open.pop();
            else
                unmatchedClosers++;
        }
    }
    return {open, unmatchedClosers, quote, closesStartQuote, inComment};
}

interface BracketScan {
    /** Openers left unclosed, in order. */
    readonly open: string[];
    /** Closers that found no opener in the line. */
    readonly unmatchedClosers: number;
    /** The quote still open at the end of the line. */
    readonly quote: string | undefined;
    /** The line closes the string it started in (`quoteAtStart`). */
    readonly closesStartQuote: boolean;
    /** The line ends in a line comment. */
    readonly inComment: boolean;
}

/** Trailing blank lines, a repeat of the rest of the line, and suggestions that only repeat what is there. */
function tidy(text: string, context: SuggestionContext): string {
    const {linePrefix, lineSuffix, nextLines} = context.text;
    let result = text.replace(/\s+$/, "");
    const rest = lineSuffix.trim();
    // Brackets and quotes in the rest of the line are the bracket rule's business.
    if (rest !== "" && !/[()[\]{}"'`]/.test(rest) && result.endsWith(rest) && result.length > rest.length)
        result = result.slice(0, -rest.length).replace(/\s+$/, "");
    if (result.trim() === "" || result.trim() === rest)
        return "";
    const nextCode = nextLines.find((l) => l.trim() !== "")?.trim();
    if (!result.includes("\n") && nextCode != null && (linePrefix + result).trim() === nextCode)
        return "";
    return result;
}

function firstSpecial(text: string, specials: readonly string[]): number {
    let first = -1;
    for (const special of specials) {
        const index = special === "" ? -1 : text.indexOf(special);
        if (index >= 0 && (first < 0 || index < first))
            first = index;
    }
    return first;
}

function indentation(line: string): number {
    return line.length - line.trimStart().length;
}
