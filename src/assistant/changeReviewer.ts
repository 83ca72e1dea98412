import * as vscode from "vscode";
import type {ChangeDecision, ProposedChange} from "../tools/toolDefinition";
import type {ApprovalBroker} from "./approvalBroker";
import {lineChangeCount} from "./lineChangeCount";
import {PROPOSED_SCHEME, type ProposedContentProvider} from "./proposedContent";

/** Context key set while a proposed change's diff is the active editor (for its Accept/Reject buttons). */
export const REVIEWING_CONTEXT_KEY = "quantpilot.reviewingChange";

/**
 * Shows a proposed file change as a diff (VS Code's own diff editor over virtual documents) and
 * waits for the user to accept or reject it, in the chat or with the diff's title buttons. It
 * only decides: the tool environment writes an accepted change, checking the path again then
 * (see VsCodeToolEnvironment.writeChange), so a link swapped in during the review is caught.
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
            const dangers = change.dangers ?? [];
            const decision = this.approvals.request(
                {callId, kind: "change", path: change.displayPath, isNew: change.before == null, added, removed, ...(dangers.length > 0 ? {dangers} : {})}, signal);
            await this.show(callId);
            return await decision ? "accepted" : "rejected";
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
}

async function closeDiffTabs(modified: vscode.Uri): Promise<void> {
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs)
        .filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === modified.toString());
    if (tabs.length > 0)
        await vscode.window.tabGroups.close(tabs, true).then(undefined, () => undefined);
}
