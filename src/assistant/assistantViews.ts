import type {AssistantPart, ChatTurn} from "../engine/chat/chatTranscript";
import type {TurnEvent} from "../engine/chat/turnEmitter";
import type {ChatModelFacts} from "../engine/chat/chatBackend";
import type {AssistantViewState, ChatTurnView, JsonValue, PartView, PendingApproval, ToolsStatus, TurnEventView} from "./protocol";

/*
 * The one place the assistant's host turns its chat objects into the plain types of the
 * assistant protocol.
 */

/** What the controller knows, as the view's state. */
export function assistantViewState(from: {
    readonly conversationId: string;
    readonly turns: readonly ChatTurn[];
    readonly busy: boolean;
    readonly model: ChatModelFacts | undefined;
    readonly tools: ToolsStatus;
    readonly approvals: readonly PendingApproval[];
}): AssistantViewState {
    return {
        conversationId: from.conversationId,
        turns: from.turns.map(chatTurnView),
        busy: from.busy,
        ...(from.model != null ? {model: {name: from.model.fileName, chatFormat: from.model.chatWrapper}} : {}),
        tools: from.tools,
        approvals: from.approvals
    };
}

export function chatTurnView(turn: ChatTurn): ChatTurnView {
    return turn.role === "user" ? {role: "user", text: turn.text} : {role: "assistant", parts: turn.parts.map(partView)};
}

export function turnEventView(event: TurnEvent): TurnEventView {
    return event.type === "text" ? {type: "text", text: event.text} : {type: "part", index: event.index, part: partView(event.part)};
}

/** A part as the view shows it; how the chat format groups calls (`startsNewChunk`) stays on the host. */
function partView(part: AssistantPart): PartView {
    switch (part.type) {
        case "text":
            return {type: "text", text: part.text};
        case "notice":
            return {type: "notice", level: part.level, text: part.text};
        case "toolCall": {
            const params = jsonValue(part.params);
            const result = jsonValue(part.result);
            return {
                type: "toolCall", id: part.id, name: part.name, status: part.status,
                ...(params !== undefined ? {params} : {}),
                ...(result !== undefined ? {result} : {}),
                ...(part.summary != null ? {summary: part.summary} : {})
            };
        }
    }
}

/**
 * What the webview would receive anyway: postMessage sends JSON. Arguments come from the
 * model's JSON and results are JSON or text, so this copies plain data; undefined stays absent.
 */
function jsonValue(value: unknown): JsonValue | undefined {
    const json = JSON.stringify(value);
    return json === undefined ? undefined : JSON.parse(json) as JsonValue;
}
