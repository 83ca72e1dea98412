import {randomUUID} from "node:crypto";
import type {ChatModelFacts} from "../../engine/chat/chatBackend";
import {readOllamaFacts} from "../ollama/ollamaProtocol";
import type {ServerHttp} from "../serverHttp";
import {kindLabel} from "../serverEndpoint";
import {objectField, stringField} from "../serverSuggestion";
import type {ChatWire, WireCall, WireMessage, WireReply, WireRequest} from "./chatWire";

/**
 * Ollama's `/api/chat` with tools, streamed as one JSON object per line. Tool calls arrive whole
 * (arguments already an object, no ids); the last line has `done: true`.
 */
export class OllamaChatWire implements ChatWire {
    readonly label: string;

    constructor(private readonly http: ServerHttp, private readonly timeoutMs: () => number) {
        this.label = http.label;
    }

    async facts(signal?: AbortSignal): Promise<ChatModelFacts> {
        const facts = await readOllamaFacts(this.http, {...(signal != null ? {signal} : {}), timeoutMs: this.timeoutMs()});
        return {fileName: facts.name, chatWrapper: kindLabel("ollama"), supportsTools: facts.supportsTools};
    }

    async reply(request: WireRequest, onText: (text: string) => void, signal: AbortSignal): Promise<WireReply> {
        const body = {
            model: this.http.endpoint.model ?? "",
            messages: request.messages.map(toOllamaMessage),
            ...(request.tools.length > 0 ? {tools: request.tools.map((t) => ({type: "function", function: {name: t.name, description: t.description, parameters: t.parameters}}))} : {}),
            stream: true,
            options: {temperature: request.temperature, num_predict: request.maxTokens}
        };
        let text = "";
        const calls: WireCall[] = [];
        for await (const item of this.http.stream("/api/chat", body, {signal, timeoutMs: this.timeoutMs(), format: "ndjson"})) {
            if (item.kind !== "data")
                continue;
            const message = objectField(item.value, "message");
            const content = stringField(message, "content");
            if (content != null && content !== "") {
                text += content;
                onText(content);
            }
            calls.push(...ollamaCalls(message?.tool_calls));
            if ((item.value as {done?: unknown}).done === true)
                return {text, calls, finish: stringField(item.value, "done_reason") === "length" ? "length" : calls.length > 0 ? "toolCalls" : "stop"};
        }
        throw this.http.streamCut();
    }
}

function ollamaCalls(raw: unknown): WireCall[] {
    if (!Array.isArray(raw))
        return [];
    return raw.map((call): WireCall => {
        const fn = objectField(call, "function");
        const args = fn?.arguments;
        let parsed: unknown = args ?? {};
        if (typeof args === "string") {
            try {
                parsed = JSON.parse(args) as unknown;
            } catch {
                parsed = args;
            }
        }
        return {id: stringField(call, "id") ?? randomUUID(), name: stringField(fn, "name") ?? "", arguments: parsed};
    });
}

function toOllamaMessage(message: WireMessage): Record<string, unknown> {
    switch (message.role) {
        case "system":
        case "user":
            return {role: message.role, content: message.content};
        case "assistant":
            return {
                role: "assistant", content: message.content,
                ...(message.toolCalls != null && message.toolCalls.length > 0
                    ? {tool_calls: message.toolCalls.map((c) => ({function: {name: c.name, arguments: c.arguments ?? {}}}))}
                    : {})
            };
        case "tool":
            return {role: "tool", content: message.content, tool_name: message.name};
    }
}
