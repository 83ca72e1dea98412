import type {PendingApproval, ToolCallPartView, WebviewMessage} from "../../src/assistant/protocol";
import {h} from "../shared/dom";
import {plainButton} from "./plainButton";

const STATUS_LABEL: Record<ToolCallPartView["status"], string> = {
    running: "Running",
    awaiting: "Waiting for you",
    done: "Done",
    error: "Failed",
    rejected: "Declined",
    cancelled: "Cancelled",
    skipped: "Not run"
};

/** One tool call as a card: what ran, its outcome, details on demand, and any decision it waits for. */
export function toolCallView(part: ToolCallPartView, approval: PendingApproval | undefined, send: (m: Extract<WebviewMessage, {type: "decide" | "review"}>) => void): HTMLElement {
    const status = approval != null ? "awaiting" : part.status;
    const card = h("div", {class: `tool-call status-${status}`, data: {callId: part.id}});
    const head = h("div", {class: "tool-head"},
        h("span", {class: "tool-icon", ariaHidden: true}),
        h("span", {class: "tool-name"}, part.name),
        h("span", {class: "tool-summary"}, part.summary ?? describeParams(part.params)),
        h("span", {class: "tool-status"}, STATUS_LABEL[status]));
    card.append(head);
    if (approval != null)
        card.append(approvalView(approval, send));
    const details = h("details", {class: "tool-details"}, h("summary", null, "Details"),
        h("div", {class: "detail-label"}, "Arguments"), h("pre", null, JSON.stringify(part.params, null, 2)));
    if (part.result != null)
        details.append(h("div", {class: "detail-label"}, "Result given to the model"),
            h("pre", null, typeof part.result === "string" ? part.result : JSON.stringify(part.result, null, 2)));
    card.append(details);
    return card;
}

function approvalView(approval: PendingApproval, send: Parameters<typeof toolCallView>[2]): HTMLElement {
    const decide = (approve: boolean) => send({type: "decide", callId: approval.callId, approve});
    switch (approval.kind) {
        case "change":
            return h("div", {class: "approval"}, ...dangerList(approval.dangers),
                h("div", {class: "approval-text"},
                    h("span", {class: "file"}, approval.path),
                    h("span", {class: "badge"}, approval.isNew ? "new file" : "edit"),
                    h("span", {class: "added"}, `+${approval.added}`),
                    h("span", {class: "removed"}, `−${approval.removed}`)),
                h("div", {class: "actions"},
                    plainButton(approval.dangers != null ? "Accept Anyway" : "Accept", "primary", () => decide(true), "accept"),
                    plainButton("Reject", "secondary", () => decide(false), "reject"),
                    plainButton("Review Diff", "link", () => send({type: "review", callId: approval.callId}), "review")));
        case "command":
            return h("div", {class: "approval"}, ...dangerList(approval.dangers),
                h("div", {class: "approval-text"}, "Run this command in ", h("span", {class: "file"}, approval.cwd), "?"),
                h("pre", {class: "command"}, approval.command),
                h("div", {class: "actions"},
                    plainButton(approval.dangers != null ? "Run Anyway" : "Run", "primary", () => decide(true), "run"),
                    plainButton("Don't Run", "secondary", () => decide(false), "skip")));
        case "externalTool":
            return h("div", {class: "approval"},
                h("div", {class: "approval-text"}, "Allow the tool ", h("span", {class: "file"}, approval.tool), " to run with:"),
                h("pre", {class: "command"}, approval.input),
                h("div", {class: "actions"},
                    plainButton("Allow", "primary", () => decide(true), "allow"),
                    plainButton("Deny", "secondary", () => decide(false), "deny")));
    }
}

/** Each danger in words, highlighted (a colour alone would not say what is wrong). */
function dangerList(dangers: readonly string[] | undefined): HTMLElement[] {
    return (dangers ?? []).map((danger) => h("div", {class: "danger", role: "alert"}, h("strong", {}, "Dangerous: "), danger));
}

function describeParams(params: unknown): string {
    if (params == null || typeof params !== "object")
        return "";
    const values = Object.values(params as Record<string, unknown>).filter((v) => v != null && v !== "");
    const first = values[0];
    const text = typeof first === "string" ? first : first != null ? JSON.stringify(first) : "";
    return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}
