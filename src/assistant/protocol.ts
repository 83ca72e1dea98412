/**
 * Messages between the Assistant view's host (extension side) and its webview. Types only, no
 * vscode import: both sides compile against this file, and each switches over `type` so a
 * missing case fails to compile. The webview sends `ready`; the host answers with `state` and
 * then pushes changes.
 */
import type {ChatTurn} from "../engine/chat/chatTranscript";
import type {TurnEvent} from "../engine/chat/toolChat";

export interface ConversationSummary {
    readonly id: string;
    readonly title: string;
    readonly updatedAt: number;
}

/**
 * Something waiting for the user's decision, shown on the tool call it belongs to. `dangers`
 * (absent when there are none) say in words why this one needs care, e.g. "runs code given on
 * the command line (python -c)"; the card shows each one and asks for an explicit yes.
 */
export type PendingApproval =
    | {readonly callId: string; readonly kind: "change"; readonly path: string; readonly isNew: boolean; readonly added: number; readonly removed: number; readonly dangers?: readonly string[]}
    | {readonly callId: string; readonly kind: "command"; readonly command: string; readonly cwd: string; readonly dangers?: readonly string[]}
    | {readonly callId: string; readonly kind: "externalTool"; readonly tool: string; readonly input: string};

export type ToolsStatus =
    | {readonly available: true}
    | {readonly available: false; readonly reason: string};

export interface AssistantViewState {
    readonly conversationId: string;
    readonly turns: readonly ChatTurn[];
    /** A turn is running: the input shows Stop instead of Send. */
    readonly busy: boolean;
    /** The loaded model; undefined when none is loaded. */
    readonly model?: {readonly name: string; readonly chatFormat: string};
    readonly tools: ToolsStatus;
    readonly approvals: readonly PendingApproval[];
}

/** Host → webview. */
export type HostMessage =
    /** After `ready`, and whenever the conversation, model or tools change as a whole. */
    | {readonly type: "state"; readonly state: AssistantViewState}
    /** While a turn runs: text and tool-call changes of the last (assistant) turn. */
    | {readonly type: "turnEvent"; readonly event: TurnEvent}
    /** The approvals waiting for the user changed. */
    | {readonly type: "approvals"; readonly approvals: readonly PendingApproval[]}
    /** The host wants the input focused (the view was revealed by a command). */
    | {readonly type: "focusInput"};

/** Webview → host. */
export type WebviewMessage =
    /** The webview has loaded and wants the state. */
    | {readonly type: "ready"}
    /** The user sent a message. */
    | {readonly type: "send"; readonly text: string}
    /** The user pressed Stop. */
    | {readonly type: "stop"}
    | {readonly type: "newChat"}
    | {readonly type: "showHistory"}
    /** The user accepted or rejected what a tool call waits for. */
    | {readonly type: "decide"; readonly callId: string; readonly approve: boolean}
    /** Open a proposed change's diff again. */
    | {readonly type: "review"; readonly callId: string}
    /** Copy text (a code block) to the clipboard. */
    | {readonly type: "copy"; readonly text: string}
    /** The empty state's "Select Model…" button. */
    | {readonly type: "selectModel"};

const MAX_TEXT = 100_000;

/** Validates a message from the webview (never trusted as typed); undefined when malformed. */
export function parseWebviewMessage(raw: unknown): WebviewMessage | undefined {
    if (raw == null || typeof raw !== "object")
        return undefined;
    const m = raw as Record<string, unknown>;
    const text = (key: string) => typeof m[key] === "string" && (m[key] as string).length <= MAX_TEXT ? m[key] as string : undefined;
    switch (m.type) {
        case "ready":
        case "stop":
        case "newChat":
        case "showHistory":
        case "selectModel":
            return {type: m.type};
        case "send": {
            const value = text("text");
            return value != null && value.trim() !== "" ? {type: "send", text: value} : undefined;
        }
        case "decide": {
            const callId = text("callId");
            return callId != null && typeof m.approve === "boolean" ? {type: "decide", callId, approve: m.approve} : undefined;
        }
        case "review": {
            const callId = text("callId");
            return callId != null ? {type: "review", callId} : undefined;
        }
        case "copy": {
            const value = text("text");
            return value != null ? {type: "copy", text: value} : undefined;
        }
        default:
            return undefined;
    }
}
