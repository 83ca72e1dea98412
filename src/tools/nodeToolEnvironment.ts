import {readdir, stat} from "node:fs/promises";
import {join} from "node:path";
import {createWorkspaceFile, readWorkspaceFile, rewriteWorkspaceFile, writeDangers} from "./fileAccessRules";
import {walkFiles} from "./fileWalker";
import {globToRegExp} from "./globPattern";
import {DEFAULT_READ_LIMITS, type ReadLimits} from "./textContent";
import {searchWorkspaceText} from "./textSearch";
import type {ChangeDecision, CommandResult, DirectoryEntry, EditorContext, FileProblem, ProposedChange, TextMatch, ToolEnvironment} from "./toolDefinition";
import type {ConfinedPath, WorkspaceFolderRoot, WorkspacePaths} from "./workspacePaths";

/** Files larger than this are refused rather than read into memory. */
export const MAX_READ_BYTES = 8 << 20;

export interface NodeToolEnvironmentOptions {
    readonly paths: WorkspacePaths;
    readonly signal: AbortSignal;
    /** Default: {@link DEFAULT_READ_LIMITS}. */
    readonly limits?: ReadLimits;
    readonly ripgrep?: string;
    /** Decides on a change; the environment writes it only when this says "accepted". Default: reject. */
    readonly decideChange?: (change: ProposedChange) => Promise<ChangeDecision>;
    /** Asks about and runs a command; `dangers` are shown with it, in words. Default: the user declines. */
    readonly runCommand?: (command: string, cwd: string, dangers: readonly string[]) => Promise<CommandResult>;
    readonly problems?: (path: ConfinedPath | null) => Promise<FileProblem[]>;
    readonly editorContext?: () => Promise<EditorContext>;
}

/**
 * The tool environment over the file system alone: what the VS Code adapter builds on, and
 * what tests and the CLI use. Nothing is written unless `decideChange` accepts the change, and
 * every read and write follows the rules in fileAccessRules.ts (regular files only, no hard
 * links, no dangling links, the path resolved again at write time).
 */
export class NodeToolEnvironment implements ToolEnvironment {
    readonly paths: WorkspacePaths;
    readonly signal: AbortSignal;
    readonly limits: ReadLimits;

    constructor(private readonly options: NodeToolEnvironmentOptions) {
        this.paths = options.paths;
        this.signal = options.signal;
        this.limits = options.limits ?? DEFAULT_READ_LIMITS;
    }

    readBytes(path: ConfinedPath): Promise<Uint8Array> {
        return readWorkspaceFile(path, this.paths.display(path), MAX_READ_BYTES);
    }

    async listDirectory(path: ConfinedPath): Promise<DirectoryEntry[]> {
        const entries = await readdir(path.absolute, {withFileTypes: true});
        return Promise.all(entries.map(async (e) => ({
            name: e.name,
            isDirectory: e.isDirectory() || (e.isSymbolicLink() && (await stat(join(path.absolute, e.name)).catch(() => undefined))?.isDirectory() === true)
        })));
    }

    async findFiles(glob: string, max: number): Promise<string[]> {
        const pattern = globToRegExp(glob);
        const found: string[] = [];
        for (const root of this.paths.roots) {
            for (const file of await walkFiles(root.path, 20_000, this.signal))
                if (pattern.test(file) && found.length < max)
                    found.push(this.prefix(root) + file);
        }
        return found;
    }

    searchText(query: string, include: string | null, max: number): Promise<TextMatch[]> {
        return searchWorkspaceText(this.paths.roots, {
            query, include, max, signal: this.signal, prefix: (root) => this.prefix(root),
            ...(this.options.ripgrep != null ? {ripgrep: this.options.ripgrep} : {})
        });
    }

    problems(path: ConfinedPath | null): Promise<FileProblem[]> {
        return this.options.problems?.(path) ?? Promise.resolve([]);
    }

    editorContext(): Promise<EditorContext> {
        return this.options.editorContext?.() ?? Promise.resolve({openFiles: []});
    }

    /** Adds what needs an explicit confirmation (a write into .git/), asks, and writes only an accepted change. */
    async proposeChange(change: ProposedChange): Promise<ChangeDecision> {
        const dangers = [...change.dangers ?? [], ...await writeDangers(change.path)];
        const reviewed: ProposedChange = dangers.length > 0 ? {...change, dangers} : change;
        const decision = await (this.options.decideChange?.(reviewed) ?? Promise.resolve<ChangeDecision>("rejected"));
        if (decision === "accepted")
            await this.writeChange(reviewed);
        return decision;
    }

    runCommand(command: string, cwd: string, dangers: readonly string[] = []): Promise<CommandResult> {
        return this.options.runCommand?.(command, cwd, dangers) ?? Promise.resolve({ran: false});
    }

    /** Writes an accepted change, resolving its path again now (it may have changed during the review). */
    protected writeChange(change: ProposedChange): Promise<void> {
        return change.before == null
            ? createWorkspaceFile(change.path, change.displayPath, change.after)
            : rewriteWorkspaceFile(change.path, change.displayPath, change.before, change.after);
    }

    private prefix(root: WorkspaceFolderRoot): string {
        return this.paths.roots.length > 1 ? `${root.name}/` : "";
    }
}
