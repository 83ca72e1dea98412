import type {ToolCallPart} from "../../src/engine/chat/chatTranscript";
import type {PendingApproval} from "../../src/assistant/protocol";
import {button, el} from "./dom";

const STATUS_LABEL: Record<ToolCallPart["status"], string> = {
    running: "Running",
    awaiting: "Waiting for you",
    done: "Done",
    error: "Failed",
    rejected: "Declined",
    cancelled: "Cancelled",
    skipped: "Not run"
};

/** One tool call as a card: what ran, its outcome, details on demand, and any decision it waits for. */
export function toolCallView(part: ToolCallPart, approval: PendingApproval | undefined, send: (m: {type: "decide"; callId: string; approve: boolean} | {type: "review"; callId: string}) => void): HTMLElement {
    const status = approval != null ? "awaiting" : part.status;
    const card = el("div", {class: `tool-call status-${status}`, "data-call-id": part.id});
    const head = el("div", {class: "tool-head"},
        el("span", {class: "tool-icon", "aria-hidden": "true"}),
        el("span", {class: "tool-name"}, part.name),
        el("span", {class: "tool-summary"}, part.summary ?? describeParams(part.params)),
        el("span", {class: "tool-status"}, STATUS_LABEL[status]));
    card.append(head);
    if (approval != null)
        card.append(approvalView(approval, send));
    const details = el("details", {class: "tool-details"}, el("summary", {}, "Details"),
        el("div", {class: "detail-label"}, "Arguments"), el("pre", {}, JSON.stringify(part.params, null, 2)));
    if (part.result != null)
        details.append(el("div", {class: "detail-label"}, "Result given to the model"),
            el("pre", {}, typeof part.result === "string" ? part.result : JSON.stringify(part.result, null, 2)));
    card.append(details);
    return card;
}

function approvalView(approval: PendingApproval, send: Parameters<typeof toolCallView>[2]): HTMLElement {
    const decide = (approve: boolean) => send({type: "decide", callId: approval.callId, approve});
    switch (approval.kind) {
        case "change":
            return el("div", {class: "approval"}, ...dangerList(approval.dangers),
                el("div", {class: "approval-text"},
                    el("span", {class: "file"}, approval.path),
                    el("span", {class: "badge"}, approval.isNew ? "new file" : "edit"),
                    el("span", {class: "added"}, `+${approval.added}`),
                    el("span", {class: "removed"}, `−${approval.removed}`)),
                el("div", {class: "actions"},
                    button(approval.dangers != null ? "Accept Anyway" : "Accept", "primary", () => decide(true), "accept"),
                    button("Reject", "secondary", () => decide(false), "reject"),
                    button("Review Diff", "link", () => send({type: "review", callId: approval.callId}), "review")));
        case "command":
            return el("div", {class: "approval"}, ...dangerList(approval.dangers),
                el("div", {class: "approval-text"}, "Run this command in ", el("span", {class: "file"}, approval.cwd), "?"),
                el("pre", {class: "command"}, approval.command),
                el("div", {class: "actions"},
                    button(approval.dangers != null ? "Run Anyway" : "Run", "primary", () => decide(true), "run"),
                    button("Don't Run", "secondary", () => decide(false), "skip")));
        case "externalTool":
            return el("div", {class: "approval"},
                el("div", {class: "approval-text"}, "Allow the tool ", el("span", {class: "file"}, approval.tool), " to run with:"),
                el("pre", {class: "command"}, approval.input),
                el("div", {class: "actions"},
                    button("Allow", "primary", () => decide(true), "allow"),
                    button("Deny", "secondary", () => decide(false), "deny")));
    }
}

/** Each danger in words, highlighted (a colour alone would not say what is wrong). */
function dangerList(dangers: readonly string[] | undefined): HTMLElement[] {
    return (dangers ?? []).map((danger) => el("div", {class: "danger", role: "alert"}, el("strong", {}, "Dangerous: "), danger));
}

function describeParams(params: unknown): string {
    if (params == null || typeof params !== "object")
        return "";
    const values = Object.values(params as Record<string, unknown>).filter((v) => v != null && v !== "");
    const first = values[0];
    const text = typeof first === "string" ? first : first != null ? JSON.stringify(first) : "";
    return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}
