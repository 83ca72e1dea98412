/**
 * A conversation as QuantPilot keeps it: plain JSON, stored per workspace, shown in the chat
 * view and turned back into the model's chat history for the next turn.
 */
export type ChatTurn = UserTurn | AssistantTurn;

export interface UserTurn {
    readonly role: "user";
    readonly text: string;
}

export interface AssistantTurn {
    readonly role: "assistant";
    readonly parts: AssistantPart[];
}

export type AssistantPart = TextPart | ToolCallPart | NoticePart;

export interface TextPart {
    readonly type: "text";
    text: string;
}

/**
 * `running`: the tool runs; `awaiting`: it waits for the user to accept or run something;
 * `done` / `error`: it finished; `rejected`: the user said no; `cancelled`: stopped by the user;
 * `skipped`: not run (tools off, the turn's tool-call limit was reached, or the caller runs it).
 */
export type ToolCallStatus = "running" | "awaiting" | "done" | "error" | "rejected" | "cancelled" | "skipped";

export interface ToolCallPart {
    readonly type: "toolCall";
    readonly id: string;
    readonly name: string;
    readonly params: unknown;
    status: ToolCallStatus;
    /** What the model was given back. */
    result?: unknown;
    /** One line for the person reading the chat. */
    summary?: string;
    /** First call of a batch the model made at once (chat formats with parallel calls need it). */
    readonly startsNewChunk?: boolean;
}

/** Something the user should know that is not the model's words (a stop, an error, tools off). */
export interface NoticePart {
    readonly type: "notice";
    readonly level: "info" | "warning" | "error";
    readonly text: string;
}

/** The text the model produced in a turn, without tool calls and notices. */
export function turnText(turn: AssistantTurn): string {
    return turn.parts.filter((p): p is TextPart => p.type === "text").map((p) => p.text).join("");
}
