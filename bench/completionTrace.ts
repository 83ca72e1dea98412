import type {DocumentLike} from "../src/completion/documentContext";

/** One step of a recorded editing session; `dt` is the pause before it, in milliseconds. */
export type TraceEvent =
    | {readonly dt: number; readonly op: "type"; readonly text: string}
    | {readonly dt: number; readonly op: "backspace"}
    /** Cursor moves to just after the first occurrence of `find`, plus `offset` characters. */
    | {readonly dt: number; readonly op: "jump"; readonly find: string; readonly offset: number}
    /** Tab: the suggestion on screen is inserted. */
    | {readonly dt: number; readonly op: "accept"}
    /** Ctrl+Right: the next word of the suggestion on screen is inserted. */
    | {readonly dt: number; readonly op: "acceptWord"}
    /** The user looks at another file around `line` (it becomes extra context). */
    | {readonly dt: number; readonly op: "visit"; readonly file: string; readonly line: number};

export interface TypingTrace {
    readonly description: string;
    readonly repoName: string;
    readonly file: {readonly name: string; readonly text: string};
    readonly otherFiles: readonly {readonly name: string; readonly text: string}[];
    readonly events: readonly TraceEvent[];
}

/** Events after which the editor asks for an inline suggestion. */
export function asksForSuggestion(event: TraceEvent): boolean {
    return event.op === "type" || event.op === "backspace" || event.op === "accept" || event.op === "acceptWord";
}

const CLOSERS: Readonly<Record<string, string>> = {"(": ")", "[": "]", "\"": "\"", "'": "'"};

/**
 * The edited file during a replay, with the editor behaviour the trace assumes: auto-closing
 * brackets and quotes, typing over an auto-inserted closer, and Enter events that carry their
 * auto-indentation.
 */
export class TraceDocument implements DocumentLike {
    private lines: string[] = [];

    constructor(private text: string, private cursor = 0) {
        this.split();
    }

    get content(): string {
        return this.text;
    }

    get offset(): number {
        return this.cursor;
    }

    get lineCount(): number {
        return this.lines.length;
    }

    lineAt(line: number): {readonly text: string} {
        return {text: this.lines[line] ?? ""};
    }

    position(): {line: number; character: number} {
        const before = this.text.slice(0, this.cursor);
        const line = before.split("\n").length - 1;
        return {line, character: this.cursor - (before.lastIndexOf("\n") + 1)};
    }

    /** Applies one event; `suggestion` is what is on screen (for accepts). */
    apply(event: TraceEvent, suggestion: string): void {
        switch (event.op) {
            case "type": return this.type(event.text);
            case "backspace": return this.backspace();
            case "jump": {
                const at = this.text.indexOf(event.find);
                if (at < 0)
                    throw new Error(`trace jump target not found: ${JSON.stringify(event.find)}`);
                this.cursor = at + event.find.length + event.offset;
                return;
            }
            case "accept": return this.insert(suggestion);
            case "acceptWord": return this.insert(/^\s*(\w+|[^\w\s]+)/.exec(suggestion)?.[0] ?? "");
            case "visit": return;
        }
    }

    private type(typed: string): void {
        if (typed.length === 1 && this.text[this.cursor] === typed && ")]\"'".includes(typed)) {
            this.cursor++;
            return;
        }
        const closer = typed.length === 1 ? CLOSERS[typed] : undefined;
        const next = this.text[this.cursor];
        if (closer != null && (next == null || /[\s)\];,]/.test(next))) {
            this.insert(typed + closer);
            this.cursor--;
            return;
        }
        this.insert(typed);
    }

    private backspace(): void {
        if (this.cursor === 0)
            return;
        const pair = CLOSERS[this.text[this.cursor - 1]!];
        const end = pair != null && this.text[this.cursor] === pair ? this.cursor + 1 : this.cursor;
        this.text = this.text.slice(0, this.cursor - 1) + this.text.slice(end);
        this.cursor--;
        this.split();
    }

    private insert(text: string): void {
        this.text = this.text.slice(0, this.cursor) + text + this.text.slice(this.cursor);
        this.cursor += text.length;
        this.split();
    }

    private split(): void {
        this.lines = this.text.split("\n");
    }
}
