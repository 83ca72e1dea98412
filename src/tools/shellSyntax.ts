/**
 * A small reader of POSIX/bash command lines, enough to tell which commands a line runs: it
 * splits on every separator (newline, `\r`, `;`, `&`, `&&`, `||`, `|`, `|&`, parentheses),
 * removes quotes the way the shell does (`'…'`, `"…"`, `$'…'` with its escapes, backslashes),
 * and keeps what runs inside a word (`$(…)`, backticks, `<(…)`, `>(…)`, `${…}`, `$((…))`) as
 * nested scripts, and heredoc bodies and redirections apart from the words.
 *
 * Written here rather than taken from a library: shell-quote (used before) reads a newline as a
 * blank and does not see backticks, `$'…'` escapes or nested substitutions; the full parsers
 * (mvdan/sh as GopherJS or WASM) are megabytes with an asynchronous API, for a job that needs
 * only the words, the separators and the nesting.
 */

/** A piece of a word that runs code (or expands) when the shell evaluates the word. */
export interface Substitution {
    readonly kind: "command" | "process" | "parameter" | "arithmetic";
    /** The text inside, as written (a script for "command" and "process"). */
    readonly body: string;
}

export interface ShellWord {
    /** The word with quotes removed; substitutions stay as written (`$(…)`, `$HOME`). */
    readonly text: string;
    /** True when part of the word is only known when it runs (a variable or a substitution). */
    readonly dynamic: boolean;
    readonly substitutions: readonly Substitution[];
}

export interface ShellRedirect {
    /** `>`, `>>`, `>|`, `&>`, `&>>`, `>&`, `<`, `<>`, `<&`, `<<`, `<<-` or `<<<`. */
    readonly op: string;
    readonly target: ShellWord | undefined;
    /** The lines of a heredoc (`<<`), as written. */
    readonly heredoc?: string;
    /** Whether a heredoc's body is expanded (its delimiter was not quoted). */
    readonly heredocExpands?: boolean;
}

export interface SimpleCommand {
    readonly words: readonly ShellWord[];
    readonly redirects: readonly ShellRedirect[];
    /** The operator after this command: `|`, `|&`, `&&`, `||`, `;`, `&`, `(`, `)`, `;;`, or `\n`; undefined at the end. */
    readonly joiner: string | undefined;
}

export class ShellSyntaxError extends Error {
    override readonly name = "ShellSyntaxError";
}

const OPERATORS = ["&&", "||", ";;&", ";;", ";&", "|&", "|", "&", ";", "(", ")"];
const REDIRECTS = ["&>>", "&>", "<<<", "<<-", "<<", "<>", "<&", ">&", ">>", ">|", "<", ">"];
const BLANK = /[ \t]/;
const WORD_END = /[ \t\n\r;&|()<>]/;

/** Splits a command line into simple commands. Throws {@link ShellSyntaxError} for an unterminated quote or substitution. */
export function parseShell(text: string): SimpleCommand[] {
    return new ShellReader(text).read();
}

interface WordBuilder {
    text: string;
    dynamic: boolean;
    substitutions: Substitution[];
}

interface PendingHeredoc {
    readonly delimiter: string;
    readonly stripTabs: boolean;
    readonly expands: boolean;
    readonly index: number;
    readonly commandRedirects: ShellRedirect[];
}

class ShellReader {
    private pos = 0;
    private readonly commands: SimpleCommand[] = [];
    private words: ShellWord[] = [];
    private redirects: ShellRedirect[] = [];
    private heredocs: PendingHeredoc[] = [];

    constructor(private readonly src: string) {}

    read(): SimpleCommand[] {
        while (this.pos < this.src.length) {
            const ch = this.src[this.pos]!;
            if (BLANK.test(ch)) {
                this.pos++;
            } else if (ch === "\\" && this.src[this.pos + 1] === "\n") {
                this.pos += 2;
            } else if (ch === "\n" || ch === "\r") {
                this.pos += ch === "\r" && this.src[this.pos + 1] === "\n" ? 2 : 1;
                this.flush("\n");
                this.readHeredocBodies();
            } else if (ch === "#") {
                while (this.pos < this.src.length && this.src[this.pos] !== "\n" && this.src[this.pos] !== "\r")
                    this.pos++;
            } else if ((ch === "<" || ch === ">") && this.src[this.pos + 1] === "(") {
                this.words.push(this.readWord());
            } else if (this.tryRedirect()) {
                // consumed
            } else {
                const op = OPERATORS.find((o) => this.src.startsWith(o, this.pos));
                if (op != null) {
                    this.pos += op.length;
                    this.flush(op);
                } else {
                    this.words.push(this.readWord());
                }
            }
        }
        this.flush(undefined);
        if (this.heredocs.length > 0)
            this.readHeredocBodies();
        return this.commands;
    }

    private flush(joiner: string | undefined): void {
        const last = this.commands[this.commands.length - 1];
        if (this.words.length > 0 || this.redirects.length > 0)
            this.commands.push({words: this.words, redirects: this.redirects, joiner});
        else if (last?.joiner === ")" && joiner != null && joiner !== "(" && joiner !== ")")
            this.commands[this.commands.length - 1] = {...last, joiner}; // `( … ) | sh`: the group's last command carries the pipe
        this.words = [];
        this.redirects = [];
    }

    /** `2>file`, `&>file`, `<<EOF`, `{fd}>file`: a redirection and its target word. */
    private tryRedirect(): boolean {
        let start = this.pos;
        const fd = /^(\d+|\{[A-Za-z_]\w*\})(?=[<>])/.exec(this.src.slice(this.pos));
        if (fd != null)
            start += fd[0].length;
        const op = REDIRECTS.find((r) => this.src.startsWith(r, start));
        if (op == null)
            return false;
        this.pos = start + op.length;
        while (BLANK.test(this.src[this.pos] ?? ""))
            this.pos++;
        const targetStart = this.pos;
        const target = this.pos < this.src.length && !WORD_END.test(this.src[this.pos]!) ? this.readWord() : undefined;
        if (target == null && op !== ">&" && op !== "<&")
            throw new ShellSyntaxError(`a redirection (${op}) has no target`);
        const redirect: ShellRedirect = {op, target};
        this.redirects.push(redirect);
        if ((op === "<<" || op === "<<-") && target != null) {
            const raw = this.src.slice(targetStart, this.pos);
            this.heredocs.push({delimiter: target.text, stripTabs: op === "<<-", expands: !/['"\\]/.test(raw), index: this.redirects.length - 1, commandRedirects: this.redirects});
        }
        return true;
    }

    /** After a newline: the bodies of the heredocs started on the line just ended. */
    private readHeredocBodies(): void {
        for (const doc of this.heredocs.splice(0)) {
            const lines: string[] = [];
            while (this.pos < this.src.length) {
                const end = this.lineEnd();
                let line = this.src.slice(this.pos, end);
                this.pos = end + (this.src[end] === "\r" && this.src[end + 1] === "\n" ? 2 : end < this.src.length ? 1 : 0);
                if (doc.stripTabs)
                    line = line.replace(/^\t+/, "");
                if (line === doc.delimiter)
                    break;
                lines.push(line);
            }
            // The command already holds this array: the body is filled in where it belongs.
            const old = doc.commandRedirects[doc.index]!;
            doc.commandRedirects[doc.index] = {...old, heredoc: lines.join("\n"), heredocExpands: doc.expands};
        }
    }

    private lineEnd(): number {
        let end = this.pos;
        while (end < this.src.length && this.src[end] !== "\n" && this.src[end] !== "\r")
            end++;
        return end;
    }

    private readWord(): ShellWord {
        const word: WordBuilder = {text: "", dynamic: false, substitutions: []};
        while (this.pos < this.src.length) {
            const ch = this.src[this.pos]!;
            if ((ch === "<" || ch === ">") && this.src[this.pos + 1] === "(" && word.text === "") {
                this.pos += 2;
                this.addSubstitution(word, "process", this.readBalanced(")"), `${ch}(`, ")");
                continue;
            }
            if (WORD_END.test(ch))
                break;
            if (ch === "\\") {
                if (this.src[this.pos + 1] === "\n")
                    this.pos += 2;
                else {
                    word.text += this.src[this.pos + 1] ?? "";
                    this.pos += 2;
                }
            } else if (ch === "'") {
                const end = this.src.indexOf("'", this.pos + 1);
                if (end < 0)
                    throw new ShellSyntaxError("a single quote is not closed");
                word.text += this.src.slice(this.pos + 1, end);
                this.pos = end + 1;
            } else if (ch === "$" && this.src[this.pos + 1] === "'") {
                this.pos += 2;
                word.text += this.readAnsiC();
            } else if (ch === "\"") {
                this.pos++;
                this.readDoubleQuoted(word);
            } else if (ch === "$" || ch === "`") {
                this.readDollar(word);
            } else {
                word.text += ch;
                this.pos++;
            }
        }
        return word;
    }

    private readDoubleQuoted(word: WordBuilder): void {
        for (;;) {
            if (this.pos >= this.src.length)
                throw new ShellSyntaxError("a double quote is not closed");
            const ch = this.src[this.pos]!;
            if (ch === "\"") {
                this.pos++;
                return;
            }
            if (ch === "\\" && "$`\"\\\n".includes(this.src[this.pos + 1] ?? "")) {
                if (this.src[this.pos + 1] !== "\n")
                    word.text += this.src[this.pos + 1];
                this.pos += 2;
            } else if (ch === "$" || ch === "`") {
                this.readDollar(word);
            } else {
                word.text += ch;
                this.pos++;
            }
        }
    }

    /** `$name`, `${…}`, `$(…)`, `$((…))` or a backtick substitution, starting at `$` or `` ` ``. */
    private readDollar(word: WordBuilder): void {
        const rest = this.src.slice(this.pos);
        if (rest.startsWith("`")) {
            this.pos++;
            const body = this.readBackticks();
            this.addSubstitution(word, "command", body, "`", "`");
        } else if (rest.startsWith("$((")) {
            this.pos += 3;
            const body = this.readBalanced(")");
            if (this.src[this.pos] === ")")
                this.pos++;
            this.addSubstitution(word, "arithmetic", body, "$((", "))");
        } else if (rest.startsWith("$(")) {
            this.pos += 2;
            this.addSubstitution(word, "command", this.readBalanced(")"), "$(", ")");
        } else if (rest.startsWith("${")) {
            this.pos += 2;
            this.addSubstitution(word, "parameter", this.readBalanced("}"), "${", "}");
        } else {
            const name = /^\$([A-Za-z_]\w*|[0-9@*#?$!-])/.exec(rest);
            if (name == null) {
                word.text += "$";
                this.pos++;
                return;
            }
            word.text += name[0];
            word.dynamic = true;
            this.pos += name[0].length;
        }
    }

    private addSubstitution(word: WordBuilder, kind: Substitution["kind"], body: string, open: string, close: string): void {
        word.text += `${open}${body}${close}`;
        word.dynamic = true;
        word.substitutions.push({kind, body});
    }

    /** Text up to the `close` that balances the opening just read, skipping quoted parts. */
    private readBalanced(close: ")" | "}"): string {
        const open = close === ")" ? "(" : "{";
        const start = this.pos;
        let depth = 1;
        while (this.pos < this.src.length) {
            const ch = this.src[this.pos]!;
            if (ch === "\\") {
                this.pos += 2;
                continue;
            }
            if (ch === "'" && close === ")") {
                const end = this.src.indexOf("'", this.pos + 1);
                if (end < 0)
                    throw new ShellSyntaxError("a single quote is not closed");
                this.pos = end + 1;
                continue;
            }
            if (ch === "\"") {
                this.skipDoubleQuoted();
                continue;
            }
            if (ch === open)
                depth++;
            else if (ch === close && --depth === 0) {
                this.pos++;
                return this.src.slice(start, this.pos - 1);
            }
            this.pos++;
        }
        throw new ShellSyntaxError(`a substitution is not closed (missing "${close}")`);
    }

    private skipDoubleQuoted(): void {
        this.pos++;
        while (this.pos < this.src.length && this.src[this.pos] !== "\"")
            this.pos += this.src[this.pos] === "\\" ? 2 : 1;
        if (this.pos >= this.src.length)
            throw new ShellSyntaxError("a double quote is not closed");
        this.pos++;
    }

    private readBackticks(): string {
        let body = "";
        while (this.pos < this.src.length && this.src[this.pos] !== "`") {
            if (this.src[this.pos] === "\\" && "$`\\".includes(this.src[this.pos + 1] ?? "")) {
                body += this.src[this.pos + 1];
                this.pos += 2;
            } else {
                body += this.src[this.pos];
                this.pos++;
            }
        }
        if (this.pos >= this.src.length)
            throw new ShellSyntaxError("a backtick is not closed");
        this.pos++;
        return body;
    }

    /** `$'…'`: C-style escapes (`\x72\x6d` is "rm"), so a name cannot hide in them. */
    private readAnsiC(): string {
        let out = "";
        while (this.pos < this.src.length && this.src[this.pos] !== "'") {
            const ch = this.src[this.pos]!;
            if (ch !== "\\") {
                out += ch;
                this.pos++;
                continue;
            }
            const escape = /^\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|c.|.)/s.exec(this.src.slice(this.pos))!;
            out += decodeEscape(escape[1]!);
            this.pos += escape[0].length;
        }
        if (this.pos >= this.src.length)
            throw new ShellSyntaxError("a $'…' quote is not closed");
        this.pos++;
        return out;
    }
}

const SIMPLE_ESCAPES: Record<string, string> = {n: "\n", t: "\t", r: "\r", a: "\x07", b: "\b", e: "\x1b", E: "\x1b", f: "\f", v: "\v"};

function decodeEscape(escape: string): string {
    const kind = escape[0]!;
    if (kind === "x" || kind === "u" || kind === "U")
        return String.fromCodePoint(Number.parseInt(escape.slice(1), 16));
    if (/^[0-7]+$/.test(escape))
        return String.fromCharCode(Number.parseInt(escape, 8));
    if (kind === "c")
        return String.fromCharCode(escape.charCodeAt(1) & 0x1f);
    return SIMPLE_ESCAPES[kind] ?? escape;
}
