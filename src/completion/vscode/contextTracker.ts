import * as vscode from "vscode";
import type {CompletionSettingsReader} from "./completionSettings";
import type {CompletionService, SuggestRequest} from "../completionService";
import type {ChunkSource} from "../contextRing";
import {DEFAULT_CONTEXT_RING_OPTIONS} from "../contextRing";

/** Lines an edit must move away from the last one before the old spot becomes a context chunk. */
const EDIT_DISTANCE = 32;
/** Minified lines are cut like the prompt's own lines. */
const MAX_LINE_CHARS = 2000;
/** A cursor jump of at least this many lines warms the prompt for the new spot. */
const JUMP_LINES = 2;

/**
 * Feeds the completion context ring from the editor: the range around the last edit once the user
 * edits elsewhere, the spot the user was at in a file they leave, and text they copy or cut (through
 * the `quantpilot.completions.copy`/`cut` commands, bound to the copy and cut keys). Files the
 * settings exclude are never read. Also tells the service about cursor jumps, so it can warm the
 * prompt for the new position while the user reads.
 */
export class ContextTracker implements vscode.Disposable {
    private readonly disposables: vscode.Disposable[] = [];
    private lastEdit: {document: vscode.TextDocument; line: number} | undefined;
    private lastPosition = new Map<string, number>();

    constructor(
        private readonly service: CompletionService,
        private readonly settings: CompletionSettingsReader,
        private readonly requestAt: (document: vscode.TextDocument, position: vscode.Position) => SuggestRequest | undefined
    ) {
        this.disposables.push(
            vscode.workspace.onDidChangeTextDocument((e) => this.onEdit(e)),
            vscode.window.onDidChangeActiveTextEditor((editor) => this.onActiveEditor(editor)),
            vscode.window.onDidChangeTextEditorSelection((e) => this.onSelection(e)),
            vscode.commands.registerCommand("quantpilot.completions.copy", () => this.capture("editor.action.clipboardCopyAction")),
            vscode.commands.registerCommand("quantpilot.completions.cut", () => this.capture("editor.action.clipboardCutAction"))
        );
    }

    private onEdit(event: vscode.TextDocumentChangeEvent): void {
        const change = event.contentChanges[0];
        if (change == null || event.document !== vscode.window.activeTextEditor?.document || !this.settings.allows(event.document))
            return;
        const line = change.range.start.line;
        const last = this.lastEdit;
        if (last != null && (last.document !== event.document || Math.abs(last.line - line) > EDIT_DISTANCE))
            this.addAround(last.document, last.line, "edit");
        this.lastEdit = {document: event.document, line};
    }

    private onActiveEditor(editor: vscode.TextEditor | undefined): void {
        for (const document of vscode.workspace.textDocuments) {
            const line = this.lastPosition.get(document.uri.toString());
            if (line != null && document !== editor?.document && this.settings.allows(document)) {
                this.addAround(document, line, "visit");
                this.lastPosition.delete(document.uri.toString());
            }
        }
    }

    private onSelection(event: vscode.TextEditorSelectionChangeEvent): void {
        const document = event.textEditor.document;
        const key = document.uri.toString();
        const line = event.selections[0]?.active.line ?? 0;
        const previous = this.lastPosition.get(key);
        this.lastPosition.set(key, line);
        // Typing moves the cursor too (kind undefined); only deliberate moves are jumps.
        if (event.kind == null || previous == null || Math.abs(previous - line) < JUMP_LINES || !this.settings.allows(document))
            return;
        const request = this.requestAt(document, event.selections[0]!.active);
        if (request != null)
            this.service.cursorMoved(request);
    }

    /** Remembers the copied text as context, then always runs the editor's own copy or cut. */
    private async capture(command: string): Promise<void> {
        try {
            const editor = vscode.window.activeTextEditor;
            if (editor != null && this.settings.allows(editor.document)) {
                for (const selection of editor.selections.filter((s) => !s.isEmpty)) {
                    const lines = editor.document.getText(selection).split(/\r?\n/).map((l) => l.slice(0, MAX_LINE_CHARS));
                    if (!lines.some((l) => l.includes("\0")))
                        this.service.ring.add({...this.describe(editor.document), lines, startLine: selection.start.line, source: "clipboard"});
                }
            }
        } finally {
            // Copy and cut must work even if remembering the text failed.
            await vscode.commands.executeCommand(command);
        }
    }

    private addAround(document: vscode.TextDocument, line: number, source: ChunkSource): void {
        if (document.isClosed)
            return;
        const half = DEFAULT_CONTEXT_RING_OPTIONS.chunkLines / 2;
        const start = Math.max(0, line - half);
        const end = Math.min(document.lineCount, line + half);
        const lines: string[] = [];
        for (let l = start; l < end; l++)
            lines.push(document.lineAt(l).text.slice(0, MAX_LINE_CHARS));
        if (!lines.some((l) => l.includes("\0")))
            this.service.ring.add({...this.describe(document), lines, startLine: start, source});
    }

    private describe(document: vscode.TextDocument): {documentKey: string; fileName: string} {
        return {documentKey: document.uri.toString(), fileName: vscode.workspace.asRelativePath(document.uri, false)};
    }

    dispose(): void {
        for (const d of this.disposables.splice(0))
            d.dispose();
    }
}
