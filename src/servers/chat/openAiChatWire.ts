import type {ChatModelFacts} from "../../engine/chat/chatBackend";
import type {ServerHttp} from "../serverHttp";
import {objectField, stringField} from "../serverSuggestion";
import type {ChatWire, WireCall, WireMessage, WireReply, WireRequest} from "./chatWire";

interface PartialCall {
    id: string;
    name: string;
    arguments: string;
}

/**
 * The OpenAI chat API with tools, streamed: `/v1/chat/completions` on llama-server (its Jinja
 * chat template and tool-call parser) and `/chat/completions` under an OpenAI-compatible base URL.
 * Tool calls arrive as deltas by index: the name first, then the arguments in pieces.
 */
export class OpenAiChatWire implements ChatWire {
    readonly label: string;

    constructor(
        private readonly http: ServerHttp,
        private readonly path: string,
        private readonly readFacts: (signal?: AbortSignal) => Promise<ChatModelFacts>,
        private readonly timeoutMs: () => number,
        /** llama-server only: the token that ends the model's turn, for the `prefill` test seam. */
        private readonly endOfTurnToken?: (signal: AbortSignal) => Promise<number | undefined>
    ) {
        this.label = http.label;
    }

    facts(signal?: AbortSignal): Promise<ChatModelFacts> {
        return this.readFacts(signal);
    }

    async reply(request: WireRequest, onText: (text: string) => void, signal: AbortSignal): Promise<WireReply> {
        const prefill = request.prefill != null && this.endOfTurnToken != null ? request.prefill : undefined;
        const end = prefill != null ? await this.endOfTurnToken!(signal) : undefined;
        const body = {
            ...(this.http.endpoint.model != null ? {model: this.http.endpoint.model} : {}),
            messages: [...request.messages.map(toOpenAiMessage), ...(prefill != null ? [{role: "assistant", content: prefill}] : [])],
            ...(end != null ? {logit_bias: [[end, 100]]} : {}),
            ...(request.tools.length > 0 ? {
                tools: request.tools.map((t) => ({type: "function", function: {name: t.name, description: t.description, parameters: t.parameters}})),
                tool_choice: request.toolChoice ?? "auto"
            } : {}),
            temperature: request.temperature,
            max_tokens: request.maxTokens,
            stream: true
        };
        let text = "";
        let finish: WireReply["finish"] | undefined;
        const calls: PartialCall[] = [];
        for await (const item of this.http.stream(this.path, body, {signal, timeoutMs: this.timeoutMs(), format: "sse"})) {
            if (item.kind === "done")
                return {text, calls: calls.map(parseCall), finish: finish ?? (calls.length > 0 ? "toolCalls" : "stop")};
            const choices = (item.value as {choices?: unknown}).choices;
            const choice = Array.isArray(choices) ? choices[0] : undefined;
            const delta = objectField(choice, "delta");
            const content = stringField(delta, "content");
            if (content != null && content !== "") {
                text += content;
                onText(content);
            }
            addCallDeltas(calls, delta?.tool_calls);
            const reason = stringField(choice, "finish_reason");
            if (reason != null)
                finish = reason === "length" ? "length" : reason === "tool_calls" || calls.length > 0 ? "toolCalls" : "stop";
        }
        // A stream without [DONE] is complete only if a finish reason came (some servers omit [DONE]).
        if (finish == null)
            throw this.http.streamCut();
        return {text, calls: calls.map(parseCall), finish};
    }
}

function addCallDeltas(calls: PartialCall[], deltas: unknown): void {
    if (!Array.isArray(deltas))
        return;
    for (const delta of deltas) {
        const index = typeof (delta as {index?: unknown}).index === "number" ? (delta as {index: number}).index : calls.length;
        const fn = objectField(delta, "function");
        const call = calls[index] ??= {id: "", name: "", arguments: ""};
        call.id ||= stringField(delta, "id") ?? "";
        call.name += stringField(fn, "name") ?? "";
        call.arguments += stringField(fn, "arguments") ?? "";
    }
}

function parseCall(call: PartialCall): WireCall {
    if (call.arguments.trim() === "")
        return {id: call.id, name: call.name, arguments: {}};
    try {
        return {id: call.id, name: call.name, arguments: JSON.parse(call.arguments) as unknown};
    } catch {
        return {id: call.id, name: call.name, arguments: call.arguments};
    }
}

function toOpenAiMessage(message: WireMessage): Record<string, unknown> {
    switch (message.role) {
        case "system":
        case "user":
            return {role: message.role, content: message.content};
        case "assistant":
            return message.toolCalls == null || message.toolCalls.length === 0
                ? {role: "assistant", content: message.content}
                : {
                    role: "assistant",
                    content: message.content === "" ? null : message.content,
                    tool_calls: message.toolCalls.map((c) => ({id: c.id, type: "function", function: {name: c.name, arguments: JSON.stringify(c.arguments ?? {})}}))
                };
        case "tool":
            return {role: "tool", tool_call_id: message.callId, content: message.content};
    }
}
