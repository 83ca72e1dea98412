import {parse, type ParseEntry} from "shell-quote";

/**
 * What may happen to a command the model wants to run. Nothing is allowed without asking:
 * a command is either refused outright (it can destroy data or the system, or runs code fetched
 * from the internet) or shown to the user, who decides.
 */
export type CommandVerdict =
    | {readonly kind: "refuse"; readonly reason: string}
    | {readonly kind: "ask"};

const ASK: CommandVerdict = {kind: "ask"};

const SHELLS = new Set(["sh", "bash", "zsh", "dash", "ksh", "fish", "csh", "tcsh", "ash"]);
const INTERPRETERS = new Set([...SHELLS, "python", "python3", "perl", "ruby", "node", "php"]);
const DOWNLOADERS = new Set(["curl", "wget", "fetch", "aria2c", "iwr", "invoke-webrequest"]);
/** Prefixes that run the command after them unchanged. */
const PASS_THROUGH = new Set(["env", "nohup", "time", "nice", "ionice", "command", "exec", "builtin", "stdbuf", "timeout", "xargs", "watch"]);
const ELEVATION = new Set(["sudo", "doas", "su", "pkexec", "runas"]);
const DISK_TOOLS = new Set(["mkfs", "mke2fs", "mkswap", "fdisk", "sfdisk", "cfdisk", "gdisk", "parted", "wipefs", "shred", "format", "diskpart", "badblocks"]);
const POWER = new Set(["shutdown", "reboot", "halt", "poweroff"]);
const SYSTEM_PATHS = /^(\/|~|~\/|\/\*|~\/\*|\$HOME\/?|\/(bin|boot|dev|etc|home|lib|lib64|opt|proc|root|sbin|srv|sys|usr|var)(\/.*)?|[A-Za-z]:\\?)$/;
const DEVICE = /^\/dev\/(sd|hd|vd|xvd|nvme|mmcblk|disk|rdisk|loop|md|dm-|mapper\/)/;
const FORK_BOMB = /([A-Za-z_:][\w:]*)\s*\(\s*\)\s*\{[^}]*\1\s*\|\s*\1\s*&?[^}]*\}\s*;?\s*\1/;

/** Classifies a shell command line; see {@link CommandVerdict}. */
export function classifyCommand(command: string, depth = 0): CommandVerdict {
    const text = command.trim();
    if (text === "")
        return refuse("the command is empty");
    if (depth > 4)
        return refuse("the command nests shells too deeply to check");
    if (FORK_BOMB.test(text))
        return refuse("it is a fork bomb, which exhausts the machine's processes");
    for (const inner of substitutions(text)) {
        const verdict = classifyCommand(inner, depth + 1);
        if (verdict.kind === "refuse")
            return verdict;
    }
    let entries: ParseEntry[];
    try {
        entries = parse(text, (name) => `$${name}`);
    } catch {
        return refuse("the command line could not be parsed");
    }
    return classifyPipelines(splitCommands(entries), text, depth);
}

interface SimpleCommand {
    readonly words: string[];
    readonly redirects: string[];
    /** The operator that joins this command to the next one ("|", "&&", ...). */
    readonly joiner: string | undefined;
}

function splitCommands(entries: readonly ParseEntry[]): SimpleCommand[] {
    const commands: SimpleCommand[] = [];
    let words: string[] = [];
    let redirects: string[] = [];
    let redirectNext = false;
    const flush = (joiner: string | undefined) => {
        if (words.length > 0 || redirects.length > 0)
            commands.push({words, redirects, joiner});
        words = [];
        redirects = [];
    };
    for (const entry of entries) {
        if (typeof entry === "string") {
            if (redirectNext)
                redirects.push(entry);
            else
                words.push(entry);
            redirectNext = false;
        } else if ("op" in entry) {
            if (entry.op === ">" || entry.op === ">>" || entry.op === ">|" || entry.op === "&>" || entry.op === "<")
                redirectNext = entry.op !== "<";
            else if (entry.op !== ">&" && entry.op !== "<&" && entry.op !== "glob")
                flush(entry.op);
            if (entry.op === "glob")
                words.push((entry as {pattern: string}).pattern);
        }
    }
    flush(undefined);
    return commands;
}

function classifyPipelines(commands: readonly SimpleCommand[], text: string, depth: number): CommandVerdict {
    let downloadedBefore = false;
    for (const command of commands) {
        for (const target of command.redirects)
            if (DEVICE.test(target))
                return refuse(`it writes straight to the disk device ${target}`);
        const verdict = classifySimple(command.words, depth);
        if (verdict.kind === "refuse")
            return verdict;
        const name = commandName(command.words);
        if (downloadedBefore && name != null && INTERPRETERS.has(name) && readsStdin(command.words))
            return refuse("it pipes a script downloaded from the internet into an interpreter");
        downloadedBefore = command.joiner === "|" && (downloadedBefore || (name != null && DOWNLOADERS.has(name)));
    }
    if (/<\(\s*(curl|wget)\b/.test(text) && commands.some((c) => INTERPRETERS.has(commandName(c.words) ?? "")))
        return refuse("it runs a script downloaded from the internet");
    return ASK;
}

function classifySimple(allWords: readonly string[], depth: number): CommandVerdict {
    const words = stripPrefixes(allWords);
    const name = commandName(words);
    if (name == null)
        return ASK;
    const args = words.slice(1);
    if (ELEVATION.has(name))
        return refuse(`it asks for administrator rights (${name}); run it yourself if it is needed`);
    if (SHELLS.has(name) || name === "eval") {
        const script = name === "eval" ? args.join(" ") : args[args.indexOf("-c") + 1];
        if (script != null && (name === "eval" || args.includes("-c"))) {
            const verdict = classifyCommand(script, depth + 1);
            if (verdict.kind === "refuse")
                return verdict;
            if (/\$\(\s*(curl|wget)\b|`\s*(curl|wget)\b/.test(script))
                return refuse("it runs a script downloaded from the internet");
        }
        return ASK;
    }
    return RULES[name]?.(args) ?? (name.startsWith("mkfs") ? refuse("it formats a disk") : ASK);
}

type Rule = (args: readonly string[]) => CommandVerdict;

const RULES: Record<string, Rule> = {
    rm: (args) => hasFlag(args, "r", "recursive") || hasFlag(args, "R") || args.includes("--no-preserve-root")
        ? refuse("it deletes folders recursively (rm -r / rm -rf)") : args.some((a) => SYSTEM_PATHS.test(a))
            ? refuse("it deletes system or home files") : ASK,
    dd: (args) => args.some((a) => a.startsWith("of=") && DEVICE.test(a.slice(3)))
        ? refuse("it writes straight to a disk device (dd of=/dev/...)") : ASK,
    chmod: recursiveOnSystemPath("chmod"),
    chown: recursiveOnSystemPath("chown"),
    chgrp: recursiveOnSystemPath("chgrp"),
    find: (args) => args.includes("-delete") || (args.includes("-exec") && args.some((a) => a === "rm" || a === "shred"))
        ? refuse("it deletes the files it finds") : ASK,
    git: gitRule,
    kill: (args) => args.includes("-1") ? refuse("it kills every process you own") : ASK,
    init: (args) => args[0] === "0" || args[0] === "6" ? refuse("it shuts down or restarts the machine") : ASK,
    systemctl: (args) => args.some((a) => POWER.has(a) || a === "kexec") ? refuse("it shuts down or restarts the machine") : ASK,
    mv: (args) => args.length > 0 && (args[args.length - 1] === "/dev/null" || args.slice(0, -1).some((a) => SYSTEM_PATHS.test(a)))
        ? refuse("it moves files where they are lost") : ASK,
    ...Object.fromEntries([...DISK_TOOLS].map((tool) => [tool, () => refuse(`it repartitions, formats or wipes disks (${tool})`)])),
    ...Object.fromEntries([...POWER].map((tool) => [tool, () => refuse("it shuts down or restarts the machine")]))
};

function recursiveOnSystemPath(tool: string): Rule {
    return (args) => (hasFlag(args, "R") || args.includes("--recursive")) && args.some((a) => SYSTEM_PATHS.test(a))
        ? refuse(`it changes permissions or owners recursively on system or home folders (${tool} -R)`) : ASK;
}

function gitRule(args: readonly string[]): CommandVerdict {
    const sub = args.find((a) => !a.startsWith("-"));
    const rest = args.slice(args.indexOf(sub ?? "") + 1);
    if (sub === "clean" && (hasFlag(rest, "f", "force")))
        return refuse("git clean -f deletes untracked files for good");
    if (sub === "reset" && rest.includes("--hard"))
        return refuse("git reset --hard throws away uncommitted work");
    if (sub === "push" && (hasFlag(rest, "f", "force") || rest.some((a) => a.startsWith("--force") || a.startsWith("+"))))
        return refuse("git push --force rewrites history on the remote");
    return ASK;
}

/** Drops `VAR=value` assignments and pass-through prefixes (`env`, `nohup`, `xargs -0`, ...). */
function stripPrefixes(words: readonly string[]): string[] {
    let i = 0;
    while (i < words.length) {
        const word = words[i]!;
        if (/^[A-Za-z_]\w*=/.test(word)) {
            i++;
            continue;
        }
        if (PASS_THROUGH.has(baseName(word))) {
            i++;
            while (i < words.length && (words[i]!.startsWith("-") || /^\d+[smhd]?$/.test(words[i]!) || /^[A-Za-z_]\w*=/.test(words[i]!)))
                i++;
            continue;
        }
        break;
    }
    return words.slice(i);
}

function commandName(words: readonly string[]): string | undefined {
    const first = stripPrefixes(words)[0];
    return first == null ? undefined : baseName(first).toLowerCase();
}

function baseName(word: string): string {
    return word.replace(/^.*[\\/]/, "").replace(/\.exe$/i, "");
}

function hasFlag(args: readonly string[], short: string, long?: string): boolean {
    return args.some((a) => (long != null && a === `--${long}`) || (/^-[A-Za-z]+$/.test(a) && a.slice(1).includes(short)));
}

/** A shell reading its script from stdin: no script file argument, or an explicit `-s` / `-`. */
function readsStdin(words: readonly string[]): boolean {
    const args = stripPrefixes(words).slice(1);
    return args.includes("-s") || args.includes("-") || !args.some((a) => !a.startsWith("-"));
}

/** The text inside `$(...)` and backticks, where a second command can hide. */
function substitutions(text: string): string[] {
    const found: string[] = [];
    for (const match of text.matchAll(/`([^`]*)`/g))
        found.push(match[1]!);
    let start = text.indexOf("$(");
    while (start >= 0) {
        let depth = 0;
        let end = start + 1;
        for (; end < text.length; end++) {
            if (text[end] === "(")
                depth++;
            else if (text[end] === ")" && --depth === 0)
                break;
        }
        found.push(text.slice(start + 2, end));
        start = text.indexOf("$(", start + 2);
    }
    return found;
}

function refuse(reason: string): CommandVerdict {
    return {kind: "refuse", reason: `Refused: ${reason}.`};
}
