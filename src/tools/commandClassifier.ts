import {CommandRefusal, commandDangers, commandName, describeWords, DOWNLOADERS, isInterpreter, readsStdin, SHELLS, stripPrefixes, type RuleContext} from "./commandRules";
import {isOutsideWorkspace} from "./commandPaths";
import {parseShell, ShellSyntaxError, type SimpleCommand} from "./shellSyntax";

/**
 * What may happen to a command the model wants to run. Nothing runs without asking: a command
 * is either refused outright (it can destroy data or the system, or runs code fetched from the
 * internet) or shown to the user, who decides. `dangers` say in words what makes an asked
 * command dangerous ("runs code given on the command line (python -c)"); the approval card
 * shows each one, and an ordinary command has none.
 */
export type CommandVerdict =
    | {readonly kind: "refuse"; readonly reason: string}
    | {readonly kind: "ask"; readonly dangers: readonly string[]};

/** Where the command runs: redirections and paths are judged against these folders. */
export interface CommandContext {
    /** Default: a folder of its own, so that every absolute path counts as outside. */
    readonly cwd?: string;
    /** The workspace folders. Default: [cwd]. */
    readonly workspace?: readonly string[];
}

const MAX_DEPTH = 4;
const FORK_BOMB = /([A-Za-z_:][\w:]*)\s*\(\s*\)\s*\{[^}]*\1\s*\|\s*\1\s*&?[^}]*\}\s*;?\s*\1/;
const DEVICE = /^\/dev\/(sd|hd|vd|xvd|nvme|mmcblk|disk|rdisk|loop|md|dm-|mapper\/)/;


/** Classifies a shell command line; see {@link CommandVerdict}. */
export function classifyCommand(command: string, context: CommandContext = {}): CommandVerdict {
    const cwd = context.cwd ?? "/nonexistent-workspace";
    const ctx: RuleContext = {
        outside: (word) => isOutsideWorkspace(word, cwd, context.workspace ?? [cwd]),
        script: (text, depth) => walkScript(text, ctx, depth)
    };
    try {
        return {kind: "ask", dangers: [...new Set(walkScript(command, ctx, 0))]};
    } catch (err) {
        if (err instanceof CommandRefusal)
            return {kind: "refuse", reason: `Refused: ${err.message}.`};
        throw err;
    }
}

/** The dangers of a script (a command line, or the text inside `$(…)`, `bash -c '…'`, …); throws a CommandRefusal. */
function walkScript(text: string, ctx: RuleContext, depth: number): string[] {
    if (text.trim() === "")
        throw new CommandRefusal(depth === 0 ? "the command is empty" : "a nested command is empty");
    if (depth > MAX_DEPTH)
        throw new CommandRefusal("the command nests shells too deeply to check");
    if (FORK_BOMB.test(text))
        throw new CommandRefusal("it is a fork bomb, which exhausts the machine's processes");
    let commands: SimpleCommand[];
    try {
        commands = parseShell(text);
    } catch (err) {
        if (err instanceof ShellSyntaxError)
            throw new CommandRefusal(`the command line could not be parsed (${err.message})`);
        throw err;
    }
    const dangers: string[] = [];
    let downloadedBefore = false;
    let previous: SimpleCommand | undefined;
    for (const command of commands) {
        const piped = previous?.joiner === "|" || previous?.joiner === "|&";
        dangers.push(...nestedDangers(command, ctx, depth));
        dangers.push(...redirectDangers(command, ctx, depth));
        dangers.push(...check(() => commandDangers(command.words.map((w) => w.text), command.words, ctx, depth)));
        const name = commandName(command.words.map((w) => w.text));
        if (piped && name != null && isInterpreter(name) && readsStdin(command.words.map((w) => w.text))) {
            if (downloadedBefore)
                throw new CommandRefusal("it pipes a script downloaded from the internet into an interpreter");
            dangers.push(`runs what comes through the pipe as code (… | ${name})`);
        }
        if (command.joiner === "&")
            dangers.push(`keeps running in the background after the command returns (${describeWords(command.words)} &)`);
        downloadedBefore = (command.joiner === "|" || command.joiner === "|&") && (downloadedBefore || (name != null && DOWNLOADERS.has(name)));
        previous = command;
    }
    return dangers;
}

/** Runs a rule, turning its refusal text into a CommandRefusal. */
function check(rule: () => string[] | {refuse: string}): string[] {
    const result = rule();
    if (!Array.isArray(result))
        throw new CommandRefusal(result.refuse);
    return result;
}

/** Everything inside `$(…)`, backticks and `<(…)` runs too; `<(curl …)` fed to an interpreter runs downloaded code. */
function nestedDangers(command: SimpleCommand, ctx: RuleContext, depth: number): string[] {
    const dangers: string[] = [];
    const texts = command.words.map((w) => w.text);
    const nameWord = command.words[texts.length - stripPrefixes(texts).length];
    const name = commandName(texts);
    for (const word of command.words)
        for (const sub of word.substitutions) {
            if (sub.kind === "arithmetic")
                continue;
            if (sub.kind === "parameter") {
                if (/\$\(|`/.test(sub.body))
                    dangers.push(...walkNested(`: ${sub.body.replace(/^[^$`]*/, "")}`, ctx, depth));
                continue;
            }
            dangers.push(...walkNested(sub.body, ctx, depth));
            // `bash <(curl …)`, `source <(curl …)`, or `$(curl …)` run as the command itself.
            const runsOutput = word === nameWord || (sub.kind === "process" && name != null && isInterpreter(name));
            if (runsOutput && downloadsIn(sub.body))
                throw new CommandRefusal("it runs a script downloaded from the internet");
        }
    for (const redirect of command.redirects)
        for (const sub of redirect.target?.substitutions ?? [])
            if (sub.kind === "command" || sub.kind === "process")
                dangers.push(...walkNested(sub.body, ctx, depth));
    return dangers;
}

function walkNested(body: string, ctx: RuleContext, depth: number): string[] {
    return body.trim() === "" ? [] : walkScript(body, ctx, depth + 1);
}

/** Writes outside the workspace, raw writes to a disk, and heredocs or here-strings fed to a shell. */
function redirectDangers(command: SimpleCommand, ctx: RuleContext, depth: number): string[] {
    const dangers: string[] = [];
    const name = commandName(command.words.map((w) => w.text));
    for (const redirect of command.redirects) {
        const target = redirect.target;
        const writes = /^(\d*|&)>|^\d*<>$|^&>/.test(redirect.op) && redirect.op !== ">&" || (redirect.op === ">&" && target != null && !/^(\d+|-)$/.test(target.text));
        if (writes && target != null) {
            if (DEVICE.test(target.text))
                throw new CommandRefusal(`it writes straight to the disk device ${target.text}`);
            const where = ctx.outside(target);
            if (where != null)
                dangers.push(`${where === "outside" ? "writes to a file outside the workspace" : "writes to a file whose path is only known when it runs"} (${redirect.op} ${target.text})`);
        }
        if ((redirect.op === "<<" || redirect.op === "<<-" || redirect.op === "<<<") && name != null && isInterpreter(name) && readsStdin(command.words.map((w) => w.text))) {
            dangers.push(`runs the text given after ${redirect.op} as code (${name} ${redirect.op})`);
            const script = redirect.op === "<<<" ? target?.text : redirect.heredoc;
            if (script != null && SHELLS.has(name))
                dangers.push(...walkNested(script, ctx, depth));
        } else if (redirect.heredoc != null && redirect.heredocExpands === true && /\$\(|`/.test(redirect.heredoc)) {
            dangers.push(...walkNested(`: ${redirect.heredoc.replace(/\n/g, " ")}`, ctx, depth));
        }
    }
    return dangers;
}

/** Whether a script fetches something from the network (curl, wget, …) anywhere in it. */
function downloadsIn(script: string): boolean {
    try {
        return parseShell(script).some((c) => DOWNLOADERS.has(commandName(c.words.map((w) => w.text)) ?? ""));
    } catch {
        return /\b(curl|wget)\b/.test(script);
    }
}
