import type {ChatHistoryItem, ChatModelFunctions, LlamaChatResponseFunctionCall} from "node-llama-cpp";
import {ToolCallValidator, type SchemaTool} from "../../tools/toolCallValidator";

/** Calls found in a reply's text, and the text without them. */
export interface CodeBlockCalls {
    readonly calls: LlamaChatResponseFunctionCall<ChatModelFunctions>[];
    readonly textWithoutCalls: string;
}

/** A fenced block, plain or tagged json / tool_call / tool_code, and its body. */
const FENCED_BLOCK = /```[ \t]*(?:json|tool_call|tool_code)?[ \t]*\r?\n([\s\S]*?)\r?\n?```/g;

/**
 * Tool calls a model wrote as a fenced JSON block instead of its chat format's call syntax.
 * Small models do this even when the prompt shows the format: Qwen2.5-Coder 0.5B and 1.5B wrote
 * every call of the tools-eval as ```json {"name": ..., "arguments": {...}} ```, which the chat
 * wrapper does not see as a call, so the assistant called no tool at all. A block counts only
 * when it is a JSON object (or an array of them) naming an offered tool, with arguments its
 * schema accepts (a nullable argument left out counts as null, as the grammar would have written
 * it); anything else stays text.
 */
export function callsWrittenAsCodeBlocks(text: string, tools: readonly SchemaTool[]): CodeBlockCalls | undefined {
    const validator = new ToolCallValidator(tools);
    const calls: LlamaChatResponseFunctionCall<ChatModelFunctions>[] = [];
    const textWithoutCalls = text.replace(FENCED_BLOCK, (block, body: string) => {
        const found = parseCalls(body, tools, validator);
        if (found == null)
            return block;
        calls.push(...found);
        return "";
    });
    return calls.length === 0 ? undefined : {calls, textWithoutCalls: textWithoutCalls.trim()};
}

function parseCalls(body: string, tools: readonly SchemaTool[], validator: ToolCallValidator): LlamaChatResponseFunctionCall<ChatModelFunctions>[] | undefined {
    let parsed: unknown;
    try {
        parsed = JSON.parse(body);
    } catch {
        return undefined;
    }
    const items = Array.isArray(parsed) ? parsed : [parsed];
    const calls = items.map((item) => asCall(item, tools, validator));
    return calls.length > 0 && calls.every((c) => c != null) ? calls as LlamaChatResponseFunctionCall<ChatModelFunctions>[] : undefined;
}

function asCall(item: unknown, tools: readonly SchemaTool[], validator: ToolCallValidator): LlamaChatResponseFunctionCall<ChatModelFunctions> | undefined {
    if (item == null || typeof item !== "object")
        return undefined;
    const {name, arguments: args, parameters} = item as {name?: unknown; arguments?: unknown; parameters?: unknown};
    const given = args ?? parameters ?? {};
    if (typeof name !== "string" || given == null || typeof given !== "object" || Array.isArray(given))
        return undefined;
    const params = withNullsForLeftOut(given as Record<string, unknown>, tools.find((t) => t.name === name)?.params);
    if (validator.check(name, params) != null)
        return undefined;
    // No raw text: the call goes into the history in the chat format's own call syntax, which shows
    // the model the form it should have used.
    return {functionName: name, params} as unknown as LlamaChatResponseFunctionCall<ChatModelFunctions>;
}

/** The arguments with each required, nullable property the model left out set to null. */
function withNullsForLeftOut(given: Record<string, unknown>, schema: object | undefined): Record<string, unknown> {
    const {properties, required} = (schema ?? {}) as {properties?: Record<string, {type?: unknown}>; required?: string[]};
    const filled = {...given};
    for (const key of required ?? []) {
        const type = properties?.[key]?.type;
        if (!(key in filled) && (type === "null" || (Array.isArray(type) && type.includes("null"))))
            filled[key] = null;
    }
    return filled;
}

/** The history with the text of the model's last response replaced (the calls written as text taken out of it). */
export function withLastResponseText(history: readonly ChatHistoryItem[], text: string): ChatHistoryItem[] {
    const next = history.slice();
    const last = next[next.length - 1];
    if (last?.type !== "model")
        return next;
    const response = last.response.slice();
    const at = lastIndexWhere(response, (item) => typeof item === "string");
    if (at < 0)
        return next;
    if (text === "")
        response.splice(at, 1);
    else
        response[at] = text;
    next[next.length - 1] = {...last, response};
    return next;
}

function lastIndexWhere<T>(items: readonly T[], matches: (item: T) => boolean): number {
    for (let i = items.length - 1; i >= 0; i--)
        if (matches(items[i]!))
            return i;
    return -1;
}
