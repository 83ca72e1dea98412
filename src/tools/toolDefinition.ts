import type {ReadLimits} from "./textContent";
import type {ToolObjectSchema} from "./toolSchema";
import type {ConfinedPath, WorkspacePaths} from "./workspacePaths";

/**
 * How a tool may run: `read` runs without asking; `change` shows a diff the user accepts or
 * rejects; `command` and `external` always ask first.
 */
export type ToolKind = "read" | "change" | "command" | "external";

/** One assistant tool: its schema (what the model fills in) and what running it does. */
export interface ToolDefinition<P = Record<string, unknown>> {
    /** The function name the model calls: letters and digits, no spaces. */
    readonly name: string;
    readonly description: string;
    /** Undefined for a tool without parameters. */
    readonly params: ToolObjectSchema | undefined;
    readonly kind: ToolKind;
    run(params: P, env: ToolEnvironment): Promise<ToolOutput>;
}

export interface ToolOutput {
    /** What the model is given back: text or a JSON value. */
    readonly result: unknown;
    /** One line for the person reading the chat ("Read src/a.ts, lines 1-40"). */
    readonly summary: string;
    /** "rejected" when the user turned the action down. Default: "done". */
    readonly status?: "done" | "rejected";
}

export interface DirectoryEntry {
    readonly name: string;
    readonly isDirectory: boolean;
}

export interface TextMatch {
    /** Display path (relative to the workspace folder). */
    readonly path: string;
    readonly line: number;
    readonly text: string;
}

export interface FileProblem {
    readonly path: string;
    readonly line: number;
    readonly column: number;
    readonly severity: "error" | "warning" | "info" | "hint";
    readonly message: string;
    readonly source?: string;
}

export interface EditorContext {
    readonly activeFile?: string;
    readonly selection?: {readonly startLine: number; readonly endLine: number; readonly text: string};
    readonly openFiles: readonly string[];
}

/** A file change waiting for the user's decision: `before` is null for a new file. */
export interface ProposedChange {
    readonly path: ConfinedPath;
    readonly displayPath: string;
    readonly before: string | null;
    readonly after: string;
    /** The tool that asked for it, for the review title. */
    readonly toolName: string;
    /** Why this write needs an explicit confirmation, in words (a write into .git/); none for most changes. */
    readonly dangers?: readonly string[];
}

export type ChangeDecision = "accepted" | "rejected";

export interface CommandResult {
    /** Whether the user let the command run. */
    readonly ran: boolean;
    readonly exitCode?: number | null;
    readonly output?: string;
}

/**
 * What tools reach the workspace through. The VS Code adapter implements it over the editor
 * (open buffers, problems, diffs, terminals); tests implement it over a temporary folder.
 */
export interface ToolEnvironment {
    readonly paths: WorkspacePaths;
    readonly signal: AbortSignal;
    readonly limits: ReadLimits;
    /** File bytes, from the editor's buffer when the file is open there. */
    readBytes(path: ConfinedPath): Promise<Uint8Array>;
    listDirectory(path: ConfinedPath): Promise<DirectoryEntry[]>;
    /** Display paths of files matching a glob, at most `max`. */
    findFiles(glob: string, max: number): Promise<string[]>;
    searchText(query: string, include: string | null, max: number): Promise<TextMatch[]>;
    problems(path: ConfinedPath | null): Promise<FileProblem[]>;
    editorContext(): Promise<EditorContext>;
    /** Shows the change and resolves with the user's decision; writes it only when accepted. */
    proposeChange(change: ProposedChange): Promise<ChangeDecision>;
    /**
     * Asks the user, then runs the command in a terminal and reports its output. `dangers` say in
     * words what makes the command dangerous; the user is asked either way.
     */
    runCommand(command: string, cwd: string, dangers?: readonly string[]): Promise<CommandResult>;
}
