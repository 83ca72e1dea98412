import type {AssistantPart, ChatTurn, ToolCallPart} from "../engine/chat/chatTranscript";

/**
 * A message of VS Code's language model API as plain data (the provider hands these over as
 * `LanguageModelChatRequestMessage`). Roles are VS Code's numbers: 1 user, 2 assistant, 3
 * system (proposed API). Parts are told apart by their fields, so this file needs no `vscode`.
 */
export interface LmMessage {
    readonly role: number;
    readonly content: ReadonlyArray<unknown>;
}

export const LM_ROLE = {user: 1, assistant: 2, system: 3} as const;

export interface LmConversation {
    /** Text of system messages, if the caller sent any. */
    readonly system: string | undefined;
    /** The conversation as the chat engine takes it. */
    readonly history: ChatTurn[];
}

/** A tool call of the caller's history, named as the model knows the tool in this request. */
export type ToolNameOf = (callerName: string) => string;

/**
 * The caller's messages as the chat engine's transcript: user text becomes user turns;
 * assistant text and tool calls become assistant turns; tool results (which VS Code puts in the
 * user message after the call) are attached to the call they answer, so the model sees each
 * call with its result, as the chat template renders them.
 */
export function toConversation(messages: readonly LmMessage[], toolName: ToolNameOf): LmConversation {
    const system: string[] = [];
    const history: ChatTurn[] = [];
    const calls = new Map<string, ToolCallPart>();
    for (const message of messages) {
        if (message.role === LM_ROLE.assistant) {
            history.push({role: "assistant", parts: assistantParts(message.content, toolName, calls)});
            continue;
        }
        for (const part of message.content)
            attachResult(part, calls);
        const text = textOf(message.content);
        if (message.role === LM_ROLE.system)
            system.push(text);
        else if (text !== "" || !message.content.some(isToolResult))
            history.push({role: "user", text});
    }
    return {system: system.length > 0 ? system.join("\n\n") : undefined, history};
}

function assistantParts(content: ReadonlyArray<unknown>, toolName: ToolNameOf, calls: Map<string, ToolCallPart>): AssistantPart[] {
    const parts: AssistantPart[] = [];
    for (const part of content) {
        if (isText(part) && part.value !== "")
            parts.push({type: "text", text: part.value});
        else if (isToolCall(part)) {
            const call: ToolCallPart = {
                type: "toolCall", id: part.callId, name: toolName(part.name), params: part.input, status: "done",
                // The first call of a reply starts a chunk, for chat formats that group parallel calls.
                ...(!parts.some((p) => p.type === "toolCall") ? {startsNewChunk: true} : {})
            };
            calls.set(part.callId, call);
            parts.push(call);
        }
    }
    return parts;
}

function attachResult(part: unknown, calls: Map<string, ToolCallPart>): void {
    if (!isToolResult(part))
        return;
    const call = calls.get(part.callId);
    if (call != null)
        call.result = resultText(part.content);
}

/** What a tool gave back, as the text the model reads: text parts as they are, anything else as JSON. */
export function resultText(content: ReadonlyArray<unknown>): string {
    return content.map((part) => isText(part) ? part.value : JSON.stringify(part)).join("\n");
}

/** The text parts of a message, joined. */
export function textOf(content: ReadonlyArray<unknown>): string {
    return content.filter(isText).map((part) => part.value).join("");
}

/** Everything in a message the model would read, for counting tokens: text, calls and results. */
export function countableText(message: LmMessage): string {
    return message.content.map((part) => {
        if (isText(part))
            return part.value;
        if (isToolCall(part))
            return `${part.name} ${JSON.stringify(part.input)}`;
        return isToolResult(part) ? resultText(part.content) : "";
    }).join("\n");
}

function isText(part: unknown): part is {value: string} {
    return isObject(part) && typeof part.value === "string";
}

function isToolCall(part: unknown): part is {callId: string; name: string; input: object} {
    return isObject(part) && typeof part.callId === "string" && typeof part.name === "string" && isObject(part.input);
}

function isToolResult(part: unknown): part is {callId: string; content: unknown[]} {
    return isObject(part) && typeof part.callId === "string" && Array.isArray(part.content);
}

function isObject(value: unknown): value is Record<string, unknown> {
    return value != null && typeof value === "object";
}
