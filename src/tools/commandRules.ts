import type {ShellWord} from "./shellSyntax";

/*
 * What one simple command does, judged from its words: a refusal (the old list: it can destroy
 * data or the system), or the dangers to show the user in words. Each danger reads after
 * "Dangerous: " on the approval card and ends with the words that caused it, in parentheses.
 */

/** A refusal found anywhere in a command line (its message is the reason); stops the walk. */
export class CommandRefusal extends Error {}

/** A refusal's reason, or the command's dangers (none for an ordinary command). */
export type RuleResult = string[] | {readonly refuse: string};

export interface RuleContext {
    /** Whether a path the command writes to is outside the workspace, or only known when it runs. */
    outside(word: ShellWord): "outside" | "unknown" | undefined;
    /** The dangers of a nested script (`bash -c '…'`, `eval …`); throws on a refusal. */
    script(text: string, depth: number): string[];
}

type Rule = (args: readonly string[], ctx: RuleContext, depth: number, words: readonly ShellWord[]) => RuleResult;

export const SHELLS = new Set(["sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish", "csh", "tcsh", "yash", "rbash"]);
/** Programs that run code they read from standard input (or a here-document). */
export const INTERPRETERS = new Set([...SHELLS, "python", "perl", "ruby", "node", "php", "lua", "rscript", "r", "pwsh", "powershell",
    "cmd", "iex", "invoke-expression", "osascript", "tclsh", "deno", "bun", "irb", "jshell", "source", "."]);
export const DOWNLOADERS = new Set(["curl", "wget", "fetch", "aria2c", "iwr", "invoke-webrequest", "irm", "invoke-restmethod"]);
/** Prefixes that run the command after them, and which of their options take a value. */
const PASS_THROUGH: Record<string, string> = {
    env: "uCS", nohup: "", time: "fo", nice: "n", ionice: "cnp", command: "", exec: "a", builtin: "", stdbuf: "ioe",
    timeout: "sk", xargs: "ILnPsdEa", watch: "nd", setsid: "", chronic: "", unbuffer: "", caffeinate: ""
};
const ELEVATION = new Set(["sudo", "doas", "su", "pkexec", "runas", "gsudo"]);
const DISK_TOOLS = new Set(["mkfs", "mke2fs", "mkswap", "fdisk", "sfdisk", "cfdisk", "gdisk", "parted", "wipefs", "shred", "format", "diskpart",
    "badblocks", "format-volume", "clear-disk", "initialize-disk", "remove-partition"]);
const POWER = new Set(["shutdown", "reboot", "halt", "poweroff", "stop-computer", "restart-computer"]);
const DELETERS = new Set(["rm", "rmdir", "unlink", "shred", "del", "erase", "rd", "remove-item", "ri"]);
const SYSTEM_PATHS = /^(\/|~|~\/|\/\*|~\/\*|\$HOME\/?|\/(bin|boot|dev|etc|home|lib|lib64|opt|proc|root|sbin|srv|sys|usr|var)(\/.*)?|[A-Za-z]:\\?)$/;
const DEVICE = /^\/dev\/(sd|hd|vd|xvd|nvme|mmcblk|disk|rdisk|loop|md|dm-|mapper\/)/;
/** Shell words that are not commands: the command follows them. */
const LEADING_KEYWORDS = new Set(["!", "{", "}", "if", "then", "else", "elif", "do", "while", "until"]);
/** Lines whose words are not a command at all. */
const NON_COMMANDS = new Set(["for", "case", "select", "function", "fi", "done", "esac", "in"]);
/** Variables that make programs load or run other code. */
const CODE_VARIABLES = /^(LD_PRELOAD|LD_LIBRARY_PATH|LD_AUDIT|DYLD_\w+|BASH_ENV|ENV|PROMPT_COMMAND|PS4|GIT_SSH|GIT_SSH_COMMAND|GIT_PAGER|GIT_EDITOR|GIT_EXTERNAL_DIFF|GIT_ASKPASS|GIT_CONFIG_\w+|GIT_EXEC_PATH|GIT_PROXY_COMMAND|PAGER|EDITOR|VISUAL|NODE_OPTIONS|PYTHONSTARTUP|PERL5OPT|RUBYOPT|JAVA_TOOL_OPTIONS)=/;

/** Flags with which an interpreter runs code given on the command line. */
const INLINE_CODE: ReadonlyArray<[RegExp, RegExp]> = [
    [/^python[\d.]*$|^pypy[\d.]*$/, /^-[A-Za-z]*c$/],
    [/^(node|nodejs|bun)$/, /^(-e|--eval|-p|--print|-pe)$/],
    [/^deno$/, /^eval$/],
    [/^perl[\d.]*$/, /^-[A-Za-z]*[eE]$/],
    [/^ruby[\d.]*$/, /^-[A-Za-z]*e$/],
    [/^php[\d.]*$/, /^-r$/],
    [/^lua(jit|[\d.]*)$/, /^-e$/],
    [/^(rscript|r)$/, /^(-e|--expr)$/],
    [/^osascript$/, /^-e$/],
    [/^(irb|jshell|tclsh)$/, /^-e$/]
];

/** The dangers (or refusal) of one simple command, given its words with quotes removed. */
export function commandDangers(texts: readonly string[], words: readonly ShellWord[], ctx: RuleContext, depth: number): RuleResult {
    const dangers = variableDangers(texts);
    const split = envSplitString(texts);
    if (split != null)
        return [...dangers, ...ctx.script(split, depth + 1)];
    const stripped = stripPrefixes(texts);
    const offset = texts.length - stripped.length;
    const name = commandName(stripped);
    if (name == null)
        return dangers;
    const nameWord = words[offset];
    if (nameWord?.dynamic === true)
        dangers.push(`runs a command whose name is only known when it runs (${nameWord.text})`);
    if (LEADING_KEYWORDS.has(name))
        return merge(dangers, commandDangers(stripped.slice(1), words.slice(offset + 1), ctx, depth));
    if (NON_COMMANDS.has(name))
        return dangers;
    if (ELEVATION.has(name))
        return {refuse: `it asks for administrator rights (${name}); run it yourself if it is needed`};
    if (name === "busybox" || name === "toybox") {
        dangers.push(`runs a tool through ${name}, which can stand in for any command (${describe(stripped.slice(0, 2))})`);
        return merge(dangers, commandDangers(stripped.slice(1), words.slice(offset + 1), ctx, depth));
    }
    if (texts.slice(0, offset).some((t) => baseName(t) === "xargs") && DELETERS.has(name))
        dangers.push(`deletes every file named in its input (xargs ${stripped[0]})`);
    const args = stripped.slice(1);
    const rule = RULES[name] ?? ruleByPattern(name);
    return merge(dangers, rule?.(args, ctx, depth, words.slice(offset + 1)) ?? []);
}

function merge(dangers: string[], result: RuleResult): RuleResult {
    return Array.isArray(result) ? [...dangers, ...result] : result;
}

function ruleByPattern(name: string): Rule | undefined {
    if (name.startsWith("mkfs"))
        return () => ({refuse: "it formats a disk"});
    const inline = INLINE_CODE.find(([pattern]) => pattern.test(name));
    if (inline != null)
        return (args) => {
            const flag = args.find((a) => inline[1].test(a));
            return flag != null ? [`runs code given on the command line (${name} ${flag})`] : [];
        };
    return undefined;
}

const RULES: Record<string, Rule> = {
    rm: (args, ctx, _d, words) => hasFlag(args, "r", "recursive") || hasFlag(args, "R") || args.includes("--no-preserve-root")
        ? {refuse: "it deletes folders recursively (rm -r / rm -rf)"} : args.some((a) => SYSTEM_PATHS.test(a))
            ? {refuse: "it deletes system or home files"} : outsideTargets(words, ctx, "deletes files outside the workspace", "deletes files named by a variable", "rm"),
    dd: (args) => {
        const target = args.find((a) => a.startsWith("of="))?.slice(3);
        if (target != null && DEVICE.test(target))
            return {refuse: "it writes straight to a disk device (dd of=/dev/...)"};
        return target != null && target !== "/dev/null" ? [`writes raw bytes over a file or device (dd of=${target})`] : [];
    },
    chmod: ownership("chmod"),
    chown: ownership("chown"),
    chgrp: ownership("chgrp"),
    find: findRule,
    git: gitRule,
    kill: (args) => args.includes("-1") ? {refuse: "it kills every process you own"} : [],
    init: (args) => args[0] === "0" || args[0] === "6" ? {refuse: "it shuts down or restarts the machine"} : [],
    systemctl: (args) => args.some((a) => POWER.has(a) || a === "kexec") ? {refuse: "it shuts down or restarts the machine"} : [],
    mv: (args, ctx, _d, words) => args.length > 0 && (args[args.length - 1] === "/dev/null" || args.slice(0, -1).some((a) => SYSTEM_PATHS.test(a)))
        ? {refuse: "it moves files where they are lost"} : [...destination(words, ctx, "mv"), ...outsideTargets(words.slice(0, -1), ctx, "moves files away from outside the workspace", "moves files named by a variable", "mv")],
    cp: (_a, ctx, _d, words) => destination(words, ctx, "cp"),
    install: (_a, ctx, _d, words) => destination(words, ctx, "install"),
    ln: (_a, ctx, _d, words) => destination(words, ctx, "ln"),
    rsync: (args, ctx, _d, words) => [...destination(words, ctx, "rsync"),
        ...args.some((a) => a.startsWith("--delete")) ? ["deletes files at the destination that the source lacks (rsync --delete)"] : []],
    tee: (_a, ctx, _d, words) => outsideTargets(words, ctx, "writes to a file outside the workspace", "writes to a file named by a variable", "tee"),
    truncate: (_a, ctx, _d, words) => outsideTargets(words, ctx, "empties or resizes a file outside the workspace", "resizes a file named by a variable", "truncate"),
    curl: (args, ctx, _d, words) => optionTargets(args, words, ["-o", "--output"], ctx, "curl"),
    wget: (args, ctx, _d, words) => optionTargets(args, words, ["-O", "--output-document"], ctx, "wget"),
    eval: (args, ctx, depth) => [`evaluates text as a command (eval ${describe(args)})`, ...scriptDangers(args.join(" "), ctx, depth)],
    source: (args) => [`runs the commands of another file in this shell (source ${describe(args.slice(0, 1))})`],
    ".": (args) => [`runs the commands of another file in this shell (. ${describe(args.slice(0, 1))})`],
    alias: (args) => args.length > 0 && args.some((a) => a.includes("=")) ? [`defines an alias, which changes what later commands run (alias ${describe(args.slice(0, 1))})`] : [],
    crontab: (args) => args.length === 1 && args[0] === "-l" ? [] : ["changes the scheduled jobs that run on their own (crontab)"],
    awk: awkRule, gawk: awkRule, mawk: awkRule, nawk: awkRule,
    nc: netShell, ncat: netShell, netcat: netShell,
    socat: (args) => args.some((a) => /^(exec|system):/i.test(a)) ? ["runs a program for whoever connects over the network (socat exec:)"] : [],
    del: windowsDelete("del"), erase: windowsDelete("erase"),
    rd: windowsRemoveDir("rd"), rmdir: windowsRemoveDir("rmdir"),
    "remove-item": powershellDelete("Remove-Item"), ri: powershellDelete("ri"),
    cipher: (args) => args.some((a) => /^\/w/i.test(a)) ? ["wipes the free space of a disk (cipher /w)"] : [],
    cmd: (args, ctx, depth) => {
        const at = args.findIndex((a) => /^\/[ckr]$/i.test(a));
        return at < 0 ? [] : [`runs a cmd.exe command line (cmd ${args[at]})`, ...scriptDangers(args.slice(at + 1).join(" "), ctx, depth)];
    },
    powershell: powershellRule("powershell"), pwsh: powershellRule("pwsh"),
    iex: () => ["evaluates text as a PowerShell command (Invoke-Expression)"],
    "invoke-expression": () => ["evaluates text as a PowerShell command (Invoke-Expression)"],
    vssadmin: windowsSystem("vssadmin"), wmic: windowsSystem("wmic"), bcdedit: windowsSystem("bcdedit"), reg: windowsSystem("reg"),
    takeown: () => ["takes ownership of files (takeown)"],
    icacls: () => ["changes who may use files (icacls)"],
    ...Object.fromEntries([...SHELLS].map((shell) => [shell, shellRule(shell)])),
    ...Object.fromEntries([...DISK_TOOLS].map((tool) => [tool, () => ({refuse: `it repartitions, formats or wipes disks (${tool})`})])),
    ...Object.fromEntries([...POWER].map((tool) => [tool, () => ({refuse: "it shuts down or restarts the machine"})]))
};

function shellRule(shell: string): Rule {
    return (args, ctx, depth) => {
        const flagAt = args.findIndex((a) => /^-[A-Za-z]*c[A-Za-z]*$/.test(a) || a === "--command");
        if (flagAt < 0)
            return [];
        const script = args.slice(flagAt + 1).find((a) => !/^[-+][A-Za-z]+$/.test(a));
        if (script != null && /\$\(\s*(curl|wget)\b|`\s*(curl|wget)\b/.test(script))
            return {refuse: "it runs a script downloaded from the internet"};
        return [`runs a shell script given on the command line (${shell} ${args[flagAt]})`, ...script != null ? scriptDangers(script, ctx, depth) : []];
    };
}

function scriptDangers(script: string, ctx: RuleContext, depth: number): string[] {
    if (/\$\(\s*(curl|wget)\b|`\s*(curl|wget)\b/.test(script))
        throw new CommandRefusal("it runs a script downloaded from the internet");
    return ctx.script(script, depth + 1);
}


function ownership(tool: string): Rule {
    return (args, ctx, _d, words) => {
        const recursive = hasFlag(args, "R") || args.includes("--recursive");
        if (recursive && args.some((a) => SYSTEM_PATHS.test(a)))
            return {refuse: `it changes permissions or owners recursively on system or home folders (${tool} -R)`};
        const outside = outsideTargets(words.slice(1), ctx, recursive ? "changes permissions or owners of everything in a folder outside the workspace"
            : "changes permissions or owners outside the workspace", "changes permissions or owners of a path named by a variable", `${tool}${recursive ? " -R" : ""}`);
        return outside;
    };
}

function findRule(args: readonly string[], ctx: RuleContext, depth: number): RuleResult {
    if (args.includes("-delete"))
        return {refuse: "it deletes the files it finds"};
    const dangers: string[] = [];
    args.forEach((arg, i) => {
        if (!["-exec", "-execdir", "-ok", "-okdir"].includes(arg))
            return;
        const end = args.findIndex((a, j) => j > i && (a === ";" || a === "+"));
        const inner = args.slice(i + 1, end < 0 ? undefined : end);
        if (inner.some((a) => a === "rm" || a === "shred" || baseName(a) === "rm"))
            throw new CommandRefusal("it deletes the files it finds");
        dangers.push(`runs a command on every file it finds (find ${arg} ${describe(inner.slice(0, 2))})`);
        if (inner.length > 0)
            dangers.push(...ctx.script(inner.map(quoteWord).join(" "), depth + 1));
    });
    return dangers;
}

/** git options that take a value before the subcommand. */
const GIT_VALUE_OPTIONS = new Set(["-c", "-C", "--git-dir", "--work-tree", "--namespace", "--config-env", "--exec-path", "--super-prefix", "--list-cmds"]);
/** git settings whose value is a program git runs, or that redirect what git runs. */
const GIT_CODE_SETTINGS = /^(core\.(pager|sshcommand|editor|hookspath|fsmonitor|askpass|gitproxy|alternaterefscommand)|sequence\.editor|diff\.external|diff\..+\.(textconv|command)|merge\..+\.driver|filter\..+\.(clean|smudge|process)|credential\..*helper|alias\..+|gpg\.program|gpg\..+\.program|include\.path|includeif\..+|uploadpack\.packobjectshook|protocol\..*allow|init\.templatedir|pager\..+|interactive\.difffilter|remote\..+\.(uploadpack|receivepack|vcs)|http\..*proxy|submodule\..+\.update)$/i;

function gitRule(args: readonly string[]): RuleResult {
    const dangers: string[] = [];
    let i = 0;
    for (; i < args.length && args[i]!.startsWith("-"); i++) {
        const arg = args[i]!;
        if (arg === "-c" || arg.startsWith("--config-env"))
            dangers.push(`git -c sets git settings for this run; settings such as core.pager or core.sshCommand run programs (git ${arg} ${args[i + 1] ?? ""})`.replace(/ \)$/, ")"));
        if (arg.startsWith("--exec-path="))
            dangers.push(`runs git's commands from another folder (git ${arg})`);
        if (GIT_VALUE_OPTIONS.has(arg))
            i++;
    }
    const sub = args[i];
    const rest = args.slice(i + 1);
    if (sub === "clean" && hasFlag(rest, "f", "force"))
        return {refuse: "git clean -f deletes untracked files for good"};
    if (sub === "reset" && rest.includes("--hard"))
        return {refuse: "git reset --hard throws away uncommitted work"};
    if (sub === "push" && (hasFlag(rest, "f", "force") || rest.some((a) => a.startsWith("--force") || a.startsWith("+"))))
        return {refuse: "git push --force rewrites history on the remote"};
    const transfer = rest.find((a) => /^(--upload-pack|--receive-pack|--exec)(=|$)/.test(a) || ((sub === "clone" || sub === "fetch" || sub === "pull" || sub === "ls-remote" || sub === "archive") && a === "-u"));
    if (transfer != null)
        dangers.push(`tells git to run a program for the transfer (git ${sub} ${transfer})`);
    if (rest.some((a) => /^ext::/i.test(a)))
        dangers.push(`uses git's ext:: transport, which runs a command (git ${sub} ext::…)`);
    if (sub === "config") {
        const key = rest.find((a) => !a.startsWith("-"));
        if (key != null && GIT_CODE_SETTINGS.test(key))
            dangers.push(`sets a git setting that runs a program (git config ${key})`);
        if (rest.includes("--global") || rest.includes("--system"))
            dangers.push(`changes git settings outside this repository (git config ${rest.includes("--global") ? "--global" : "--system"})`);
    }
    if ((sub === "rebase" && rest.some((a) => a === "-x" || a.startsWith("--exec"))) || (sub === "bisect" && rest[0] === "run") ||
        (sub === "submodule" && rest.includes("foreach")) || sub === "filter-branch" || (sub === "difftool" && rest.some((a) => a === "-x" || a.startsWith("--extcmd"))))
        dangers.push(`runs a command given on the command line (git ${sub} ${rest.slice(0, 2).join(" ")})`.replace(/ \)$/, ")"));
    return dangers;
}

function awkRule(args: readonly string[]): RuleResult {
    const program = args.find((a) => !a.startsWith("-"));
    return program != null && /\bsystem\s*\(|\|\s*"|"\s*\||\|&/.test(program) ? ["runs commands from an awk program (awk system())"] : [];
}

function netShell(args: readonly string[]): RuleResult {
    return args.some((a) => a === "-e" || a === "-c" || a === "--exec" || a === "--sh-exec") ? ["runs a program for whoever connects over the network (nc -e)"] : [];
}

function windowsDelete(tool: string): Rule {
    return (args) => [args.some((a) => /^\/s$/i.test(a)) ? `deletes files in a folder and all its subfolders (${tool} /s)` : `deletes files (${tool} ${describe(args.slice(0, 2))})`];
}

function windowsRemoveDir(tool: string): Rule {
    return (args) => args.some((a) => /^\/s$/i.test(a)) || hasFlag(args, "r") || args.some((a) => /^-recurse$/i.test(a))
        ? [`deletes a folder and everything in it (${tool} ${args.find((a) => /^[/-]/.test(a)) ?? "/s"})`] : [];
}

function powershellDelete(tool: string): Rule {
    return (args) => [args.some((a) => /^-r(ecurse)?$/i.test(a)) ? `deletes folders and everything in them (${tool} -Recurse)` : `deletes files or folders (${tool})`];
}

function powershellRule(tool: string): Rule {
    return (args) => {
        if (args.some((a) => /^-(e|ec|enc|encodedcommand)$/i.test(a)))
            return [`runs a hidden, base64-encoded PowerShell command (${tool} -EncodedCommand)`];
        const at = args.findIndex((a) => /^-(c|command)$/i.test(a));
        if (at >= 0)
            return [`runs a PowerShell command given on the command line (${tool} ${args[at]})`];
        return args.some((a) => !a.startsWith("-") && !/\.ps1$/i.test(a)) && !args.some((a) => /^-(f|file)$/i.test(a))
            ? [`runs a PowerShell command given on the command line (${tool} ${describe(args.slice(0, 2))})`] : [];
    };
}

function windowsSystem(tool: string): Rule {
    return (args) => args.some((a) => /^(delete|add|set|import|restore|shadowcopy|\/set|\/delete)$/i.test(a))
        ? [`changes Windows system settings or backups (${tool} ${describe(args.slice(0, 2))})`] : [];
}

/** The last argument of cp/mv/ln/rsync (or the one after -t) when it is outside the workspace. */
function destination(words: readonly ShellWord[], ctx: RuleContext, tool: string): string[] {
    const targetAt = words.findIndex((w) => w.text === "-t" || w.text === "--target-directory");
    const target = targetAt >= 0 ? words[targetAt + 1] : [...words].reverse().find((w) => !w.text.startsWith("-"));
    const operands = words.filter((w) => !w.text.startsWith("-"));
    if (target == null || (targetAt < 0 && operands.length < 2))
        return [];
    const where = ctx.outside(target);
    return where === "outside" ? [`writes outside the workspace (${tool} … ${target.text})`]
        : where === "unknown" ? [`writes to a path only known when it runs (${tool} … ${target.text})`] : [];
}

function outsideTargets(words: readonly ShellWord[], ctx: RuleContext, outsideText: string, unknownText: string, tool: string): string[] {
    const dangers: string[] = [];
    for (const word of words.filter((w) => !w.text.startsWith("-"))) {
        const where = ctx.outside(word);
        if (where != null)
            dangers.push(`${where === "outside" ? outsideText : unknownText} (${tool} ${word.text})`);
    }
    return dangers;
}

function optionTargets(args: readonly string[], words: readonly ShellWord[], options: readonly string[], ctx: RuleContext, tool: string): string[] {
    const at = args.findIndex((a) => options.includes(a));
    const word = at >= 0 ? words[at + 1] : undefined;
    const where = word != null ? ctx.outside(word) : undefined;
    return where == null ? [] : [`${where === "outside" ? "writes outside the workspace" : "writes to a path only known when it runs"} (${tool} ${args[at]} ${word!.text})`];
}

function variableDangers(texts: readonly string[]): string[] {
    const dangers: string[] = [];
    const exported = baseName(texts[0] ?? "") === "export" || baseName(texts[0] ?? "") === "env" ? texts.slice(1) : texts;
    for (const text of exported) {
        if (!/^[A-Za-z_]\w*=/.test(text) && !text.startsWith("-"))
            break;
        const match = CODE_VARIABLES.exec(text);
        if (match != null)
            dangers.push(`sets ${match[1]}, which makes programs load or run other code (${text.length > 40 ? `${text.slice(0, 39)}…` : text})`);
    }
    return dangers;
}

/** `env -S "…"` splits its argument into a command line of its own. */
function envSplitString(texts: readonly string[]): string | undefined {
    const at = texts.findIndex((t) => baseName(t) === "env");
    if (at < 0)
        return undefined;
    const flag = texts.findIndex((t, i) => i > at && (t === "-S" || t === "--split-string" || t.startsWith("--split-string=")));
    if (flag < 0)
        return undefined;
    const value = texts[flag]!.startsWith("--split-string=") ? texts[flag]!.slice("--split-string=".length) : texts[flag + 1];
    return value != null ? [value, ...texts.slice(flag + 2)].join(" ") : undefined;
}

/** Drops `VAR=value` assignments and pass-through prefixes (`env`, `nohup`, `xargs -0`, ...) with their options. */
export function stripPrefixes(words: readonly string[]): string[] {
    let i = 0;
    while (i < words.length) {
        const word = words[i]!;
        if (/^[A-Za-z_]\w*=/.test(word)) {
            i++;
            continue;
        }
        const valued = PASS_THROUGH[baseName(word).toLowerCase()];
        if (valued != null && !(baseName(word) === "command" && /^-[vV]$/.test(words[i + 1] ?? ""))) {
            i++;
            while (i < words.length && (words[i]!.startsWith("-") || /^\d+(\.\d+)?[smhd]?$/.test(words[i]!) || /^[A-Za-z_]\w*=/.test(words[i]!))) {
                const option = words[i]!;
                i += /^-[A-Za-z]$/.test(option) && valued.includes(option[1]!) ? 2 : 1;
            }
            continue;
        }
        break;
    }
    return words.slice(i);
}

/** Whether the named program runs code it reads (python3.11 counts as python). */
export function isInterpreter(name: string): boolean {
    return INTERPRETERS.has(name) || INTERPRETERS.has(name.replace(/[\d.]+$/, ""));
}

export function commandName(words: readonly string[]): string | undefined {
    const first = stripPrefixes(words)[0];
    return first == null ? undefined : baseName(first).toLowerCase();
}

/** A shell reading its script from stdin: no script file argument, or an explicit `-s` / `-`. */
export function readsStdin(words: readonly string[]): boolean {
    const args = stripPrefixes(words).slice(1);
    return args.includes("-s") || args.includes("-") || !args.some((a) => !a.startsWith("-"));
}

/** The first words of a command, short enough for the approval card. */
export function describeWords(words: readonly ShellWord[]): string {
    return describe(words.map((w) => w.text));
}

function describe(texts: readonly string[]): string {
    const text = texts.slice(0, 3).join(" ");
    return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

function baseName(word: string): string {
    return word.replace(/^.*[\\/]/, "").replace(/\.exe$/i, "");
}

function hasFlag(args: readonly string[], short: string, long?: string): boolean {
    return args.some((a) => (long != null && a === `--${long}`) || (/^-[A-Za-z]+$/.test(a) && a.slice(1).includes(short)));
}

function quoteWord(word: string): string {
    return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}
