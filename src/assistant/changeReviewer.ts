import * as vscode from "vscode";
import type {ChangeDecision, ProposedChange} from "../tools/toolDefinition";
import {ToolError} from "../tools/toolError";
import type {ApprovalBroker} from "./approvalBroker";
import {lineChangeCount} from "./lineChangeCount";
import {PROPOSED_SCHEME, type ProposedContentProvider} from "./proposedContent";

/** Context key set while a proposed change's diff is the active editor (for its Accept/Reject buttons). */
export const REVIEWING_CONTEXT_KEY = "quantpilot.reviewingChange";

/**
 * Shows a proposed file change as a diff (VS Code's own diff editor over virtual documents) and
 * waits for the user to accept or reject it, in the chat or with the diff's title buttons. Only
 * an accepted change is written, through a workspace edit (so it can be undone) and saved.
 */
export class ChangeReviewer {
    private readonly open = new Map<string, {left: vscode.Uri; right: vscode.Uri; title: string}>();

    constructor(private readonly content: ProposedContentProvider, private readonly approvals: ApprovalBroker) {}

    async review(change: ProposedChange, callId: string, signal: AbortSignal): Promise<ChangeDecision> {
        const {added, removed} = lineChangeCount(change.before, change.after);
        const left = this.content.add(callId, "before", change.displayPath, change.before ?? "");
        const right = this.content.add(callId, "after", change.displayPath, change.after);
        const title = `${change.displayPath} (${change.before == null ? "new file" : "proposed change"}) — QuantPilot`;
        this.open.set(callId, {left, right, title});
        try {
            const decision = this.approvals.request(
                {callId, kind: "change", path: change.displayPath, isNew: change.before == null, added, removed}, signal);
            await this.show(callId);
            if (!await decision)
                return "rejected";
            await this.write(change);
            return "accepted";
        } finally {
            this.open.delete(callId);
            await closeDiffTabs(right);
            this.content.remove(callId);
        }
    }

    /** Opens (again) the diff of a change that waits for a decision. */
    async show(callId: string): Promise<void> {
        const diff = this.open.get(callId);
        if (diff != null)
            await vscode.commands.executeCommand("vscode.diff", diff.left, diff.right, diff.title, {preview: true, preserveFocus: false});
    }

    /** The call whose diff is the active editor, for the editor-title Accept/Reject commands. */
    activeCallId(): string | undefined {
        const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
        const input = tab?.input;
        if (!(input instanceof vscode.TabInputTextDiff) || input.modified.scheme !== PROPOSED_SCHEME)
            return undefined;
        return input.modified.path.split("/")[1];
    }

    private async write(change: ProposedChange): Promise<void> {
        const uri = vscode.Uri.file(change.path.absolute);
        const edit = new vscode.WorkspaceEdit();
        if (change.before == null) {
            edit.createFile(uri, {ignoreIfExists: false, contents: new TextEncoder().encode(change.after)});
            if (!await vscode.workspace.applyEdit(edit))
                throw new ToolError(`VS Code could not create ${change.displayPath} (it may exist by now).`);
            return;
        }
        const document = await vscode.workspace.openTextDocument(uri);
        if (document.getText() !== change.before)
            throw new ToolError(`${change.displayPath} changed while the edit waited for approval, so it was not applied. Read the file again.`);
        edit.replace(uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), change.after);
        if (!await vscode.workspace.applyEdit(edit) || !await document.save())
            throw new ToolError(`VS Code could not save the change to ${change.displayPath}.`);
    }
}

async function closeDiffTabs(modified: vscode.Uri): Promise<void> {
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs)
        .filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === modified.toString());
    if (tabs.length > 0)
        await vscode.window.tabGroups.close(tabs, true).then(undefined, () => undefined);
}
