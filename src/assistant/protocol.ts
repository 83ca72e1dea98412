/**
 * Messages between the Assistant view's host (extension side) and its webview
 * (webview/assistant/). Plain, serialisable data only, defined here: no imports, no classes, no
 * functions, and never vscode. The host turns its chat objects into these types in one place
 * (assistantViews.ts) and validates what the webview sends (webviewMessages.ts). Both sides
 * switch over `type` so a missing case fails to compile. The webview sends `ready`; the host
 * answers with `state` and then pushes changes.
 */

/** What JSON can carry: a tool call's arguments and result as the model saw them. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | {readonly [key: string]: JsonValue};

export interface UserTurnView {
    readonly role: "user";
    readonly text: string;
}

export interface AssistantTurnView {
    readonly role: "assistant";
    readonly parts: readonly PartView[];
}

export type ChatTurnView = UserTurnView | AssistantTurnView;

export type PartView = TextPartView | ToolCallPartView | NoticePartView;

export interface TextPartView {
    readonly type: "text";
    readonly text: string;
}

/**
 * `running`: the tool runs; `awaiting`: it waits for the user to accept or run something;
 * `done` / `error`: it finished; `rejected`: the user said no; `cancelled`: stopped by the user;
 * `skipped`: not run (tools off, or the turn's tool-call limit was reached).
 */
export type ToolCallStatus = "running" | "awaiting" | "done" | "error" | "rejected" | "cancelled" | "skipped";

export interface ToolCallPartView {
    readonly type: "toolCall";
    readonly id: string;
    readonly name: string;
    /** Absent when the tool takes none. */
    readonly params?: JsonValue;
    readonly status: ToolCallStatus;
    /** What the model was given back. */
    readonly result?: JsonValue;
    /** One line for the person reading the chat. */
    readonly summary?: string;
}

/** Something the user should know that is not the model's words (a stop, an error, tools off). */
export interface NoticePartView {
    readonly type: "notice";
    readonly level: "info" | "warning" | "error";
    readonly text: string;
}

/** Streamed while a turn runs: text as it is generated, and parts as they appear or change. */
export type TurnEventView =
    | {readonly type: "text"; readonly text: string}
    | {readonly type: "part"; readonly index: number; readonly part: PartView};

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
    readonly turns: readonly ChatTurnView[];
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
    | {readonly type: "turnEvent"; readonly event: TurnEventView}
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

/** What the webview keeps across reloads (vscode.setState): the message being written. */
export interface PersistedAssistantState {
    readonly draft: string;
}

/** The whole protocol, for the webview's typed channel (webview/shared/hostChannel.ts). */
export interface AssistantProtocol {
    readonly hostMessage: HostMessage;
    readonly webviewMessage: WebviewMessage;
    readonly persisted: PersistedAssistantState;
}
