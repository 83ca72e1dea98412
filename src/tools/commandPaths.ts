import {isAbsolute, resolve} from "node:path";
import type {ShellWord} from "./shellSyntax";

/** Places a command may write to that are not files: writing there is harmless. */
const HARMLESS = /^\/dev\/(null|stdout|stderr|tty|fd\/\d+)$/;
/** The home folder, however a shell or Windows spells it. */
const HOME = /^(~|\$HOME\b|\$\{HOME\}|%USERPROFILE%|%HOMEPATH%|\$env:(USERPROFILE|HOME)\b)/i;

/**
 * Where a path a command writes to ends up: "outside" the workspace folders, "unknown" when
 * only the running shell knows (a variable or substitution other than the home folder), or
 * undefined when it stays inside. Lexical only: the command has not run yet.
 */
export function isOutsideWorkspace(word: ShellWord, cwd: string, workspace: readonly string[]): "outside" | "unknown" | undefined {
    const text = word.text;
    if (HARMLESS.test(text))
        return undefined;
    if (HOME.test(text) || /^~[A-Za-z_]/.test(text))
        return "outside";
    if (word.dynamic && /^[$`]/.test(text))
        return "unknown";
    if (/^[A-Za-z]:[\\/]|^\\\\/.test(text))
        return "outside";
    const path = isAbsolute(text) ? resolve(text) : resolve(cwd, text.replace(/\\/g, "/"));
    return workspace.some((root) => path === root || path.startsWith(root.endsWith("/") ? root : `${root}/`)) ? undefined : "outside";
}
