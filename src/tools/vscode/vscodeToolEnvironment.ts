import * as vscode from "vscode";
import {existsSync} from "node:fs";
import {join, relative} from "node:path";
import {checkExistingFile} from "../fileAccessRules";
import {NodeToolEnvironment} from "../nodeToolEnvironment";
import type {ReadLimits} from "../textContent";
import {ToolError} from "../toolError";
import type {ChangeDecision, CommandResult, EditorContext, FileProblem, ProposedChange} from "../toolDefinition";
import {WorkspacePaths, type ConfinedPath, type WorkspaceFolderRoot} from "../workspacePaths";

/** What the assistant supplies for the tools that need the user: reviews and approved commands. */
export interface VsCodeToolHooks {
    readonly limits?: ReadLimits;
    /** Shows the change and waits for the user's decision; the environment writes an accepted one. */
    review(change: ProposedChange, signal: AbortSignal): Promise<ChangeDecision>;
    runCommand(command: string, cwd: string, dangers: readonly string[], signal: AbortSignal): Promise<CommandResult>;
}

const MAX_SELECTION_CHARS = 6000;

/** The local workspace folders (remote and virtual ones are not on this file system). */
export function workspaceRoots(): WorkspaceFolderRoot[] {
    return (vscode.workspace.workspaceFolders ?? [])
        .filter((f) => f.uri.scheme === "file")
        .map((f) => ({name: f.name, path: f.uri.fsPath}));
}

/**
 * The tool environment inside VS Code: files come from open editors when they are open there
 * (unsaved text included), file search respects `files.exclude`, problems come from the
 * Problems view, and changes and commands go through the user.
 */
export class VsCodeToolEnvironment extends NodeToolEnvironment {
    constructor(signal: AbortSignal, hooks: VsCodeToolHooks) {
        const paths = new WorkspacePaths(workspaceRoots());
        const ripgrep = findRipgrep();
        super({
            paths,
            signal,
            ...(hooks.limits != null ? {limits: hooks.limits} : {}),
            ...(ripgrep != null ? {ripgrep} : {}),
            decideChange: (change) => hooks.review(change, signal),
            runCommand: (command, cwd, dangers) => hooks.runCommand(command, cwd, dangers, signal),
            problems: async (path) => problems(paths, path),
            editorContext: async () => editorContext(paths)
        });
    }

    /** The editor's text when the file is open there (unsaved edits included), after the same checks as a disk read. */
    override async readBytes(path: ConfinedPath): Promise<Uint8Array> {
        const open = openDocument(path);
        if (open == null)
            return super.readBytes(path);
        await checkExistingFile(path, this.paths.display(path));
        return new TextEncoder().encode(open.getText());
    }

    /**
     * A file open in the editor is changed through a workspace edit (so it can be undone) and
     * saved, after the same write-time checks as a disk write; any other file is written by the
     * Node environment through a checked, no-follow file handle.
     */
    protected override async writeChange(change: ProposedChange): Promise<void> {
        const document = change.before != null ? openDocument(change.path) : undefined;
        if (document == null)
            return super.writeChange(change);
        await checkExistingFile(change.path, change.displayPath);
        if (document.getText() !== change.before)
            throw new ToolError(`${change.displayPath} changed while the edit waited for approval, so it was not applied. Read the file again.`);
        const edit = new vscode.WorkspaceEdit();
        edit.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), change.after);
        if (!await vscode.workspace.applyEdit(edit))
            throw new ToolError(`VS Code could not apply the change to ${change.displayPath}.`);
        await checkExistingFile(change.path, change.displayPath);
        if (!await document.save())
            throw new ToolError(`VS Code could not save the change to ${change.displayPath}.`);
    }

    override async findFiles(glob: string, max: number): Promise<string[]> {
        const found: string[] = [];
        for (const root of this.paths.roots) {
            const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(vscode.Uri.file(root.path), glob), undefined, max - found.length);
            found.push(...uris.map((u) => displayOf(this.paths, root, u.fsPath)).sort());
            if (found.length >= max)
                break;
        }
        return found;
    }
}

function openDocument(path: ConfinedPath): vscode.TextDocument | undefined {
    return vscode.workspace.textDocuments.find((d) => d.uri.scheme === "file" && d.uri.fsPath === path.absolute);
}

function problems(paths: WorkspacePaths, path: ConfinedPath | null): FileProblem[] {
    const entries: ReadonlyArray<[vscode.Uri, readonly vscode.Diagnostic[]]> = path != null
        ? [[vscode.Uri.file(path.absolute), vscode.languages.getDiagnostics(vscode.Uri.file(path.absolute))]]
        : vscode.languages.getDiagnostics();
    const out: FileProblem[] = [];
    for (const [uri, diagnostics] of entries) {
        const root = paths.roots.find((r) => !relative(r.path, uri.fsPath).startsWith(".."));
        if (uri.scheme !== "file" || root == null)
            continue;
        for (const d of diagnostics)
            out.push({
                path: displayOf(paths, root, uri.fsPath),
                line: d.range.start.line + 1,
                column: d.range.start.character + 1,
                severity: (["error", "warning", "info", "hint"] as const)[d.severity] ?? "info",
                message: d.message,
                ...(d.source != null ? {source: d.source} : {})
            });
    }
    return out.sort((a, b) => a.severity.localeCompare(b.severity) || a.path.localeCompare(b.path) || a.line - b.line);
}

function editorContext(paths: WorkspacePaths): EditorContext {
    const display = (uri: vscode.Uri): string => {
        const root = paths.roots.find((r) => uri.scheme === "file" && !relative(r.path, uri.fsPath).startsWith(".."));
        return root != null ? displayOf(paths, root, uri.fsPath) : uri.scheme === "file" ? uri.fsPath : uri.toString();
    };
    const editor = vscode.window.activeTextEditor;
    const openFiles = vscode.window.tabGroups.all.flatMap((g) => g.tabs)
        .map((t) => t.input instanceof vscode.TabInputText ? display(t.input.uri) : undefined)
        .filter((p): p is string => p != null);
    const selection = editor != null && !editor.selection.isEmpty ? {
        startLine: editor.selection.start.line + 1,
        endLine: editor.selection.end.line + 1,
        text: editor.document.getText(editor.selection).slice(0, MAX_SELECTION_CHARS)
    } : undefined;
    return {
        ...(editor != null ? {activeFile: display(editor.document.uri)} : {}),
        ...(selection != null ? {selection} : {}),
        openFiles: [...new Set(openFiles)]
    };
}

function displayOf(paths: WorkspacePaths, root: WorkspaceFolderRoot, absolute: string): string {
    return paths.display({absolute, root, relative: relative(root.path, absolute).split("\\").join("/")});
}

let ripgrepPath: string | null | undefined;

/** The ripgrep VS Code ships with, used for text search; null when it is not where expected. */
function findRipgrep(): string | undefined {
    if (ripgrepPath === undefined) {
        const exe = process.platform === "win32" ? "rg.exe" : "rg";
        const candidates = ["node_modules", "node_modules.asar.unpacked"].map((dir) => join(vscode.env.appRoot, dir, "@vscode", "ripgrep", "bin", exe));
        ripgrepPath = candidates.find((c) => existsSync(c)) ?? null;
    }
    return ripgrepPath ?? undefined;
}
