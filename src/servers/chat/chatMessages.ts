import type {ChatTool} from "../../engine/chat/chatTool";
import type {ChatTurn, ToolCallPart} from "../../engine/chat/chatTranscript";
import type {WireCall, WireMessage, WireTool} from "./chatWire";

/**
 * A stored conversation as chat messages: each assistant turn becomes its text and, per batch of
 * tool calls, an assistant message with the calls followed by one tool message per result.
 * Notices are for the person only and are left out.
 */
export function toWireMessages(systemPrompt: string, history: readonly ChatTurn[]): WireMessage[] {
    const messages: WireMessage[] = [{role: "system", content: systemPrompt}];
    for (const turn of history) {
        if (turn.role === "user") {
            messages.push({role: "user", content: turn.text});
            continue;
        }
        let text = "";
        let calls: ToolCallPart[] = [];
        const flushCalls = () => {
            messages.push(...callMessages(text, calls));
            text = "";
            calls = [];
        };
        for (const part of turn.parts) {
            if (part.type === "text") {
                if (calls.length > 0)
                    flushCalls();
                text += part.text;
            } else if (part.type === "toolCall") {
                calls.push(part);
            }
        }
        if (calls.length > 0)
            flushCalls();
        else if (text !== "")
            messages.push({role: "assistant", content: text});
    }
    return messages;
}

/** An assistant message with the calls, then their results. */
export function callMessages(text: string, calls: readonly ToolCallPart[]): WireMessage[] {
    return [
        {role: "assistant", content: text, toolCalls: calls.map((c): WireCall => ({id: c.id, name: c.name, arguments: c.params}))},
        ...calls.map((c): WireMessage => ({role: "tool", callId: c.id, name: c.name, content: resultText(c.result)}))
    ];
}

/** A tool's result as the text the model reads. */
export function resultText(result: unknown): string {
    if (result === undefined)
        return "Not run.";
    return typeof result === "string" ? result : JSON.stringify(result);
}

export function toWireTool(tool: ChatTool): WireTool {
    return {name: tool.name, description: tool.description, parameters: tool.params ?? {type: "object", properties: {}}};
}
