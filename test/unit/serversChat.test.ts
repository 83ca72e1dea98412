import {after, before, test} from "node:test";
import assert from "node:assert/strict";
import type {ChatTool} from "../../src/engine/chat/chatTool";
import type {ToolCallPart} from "../../src/engine/chat/chatTranscript";
import {ServerConnection} from "../../src/servers/serverConnection";
import type {ServerEndpoint} from "../../src/servers/serverEndpoint";
import {FakeServer, fixture} from "../helpers/fakeServer";

let fake: FakeServer;

before(async () => {
    fake = await FakeServer.start();
});

after(async () => {
    await fake.close();
});

function readFileTool(calls: unknown[]): ChatTool {
    return {
        name: "read_file",
        description: "Read a workspace file",
        params: {type: "object", properties: {path: {type: "string"}}, required: ["path"], additionalProperties: false},
        invoke: async (params) => {
            calls.push(params);
            return {result: "def add(a, b):\n    return a + b\n", summary: "read 2 lines"};
        }
    };
}

function chatOn(endpoint: Omit<ServerEndpoint, "url">, url = fake.url) {
    return new ServerConnection({...endpoint, url}, async () => undefined, () => ({completionMs: 5000, chatMs: 5000})).chat(() => ({maxToolRounds: 4}));
}

/** Replies with the fixtures in turn, one per request. */
function inTurn(...bodies: string[]): () => {body: string} {
    let next = 0;
    return () => ({body: bodies[Math.min(next++, bodies.length - 1)]!});
}

test("OpenAI-compatible chat: a streamed tool call runs the tool, its result goes back with the call's id, then the answer", async () => {
    fake.on("POST /v1/chat/completions", inTurn(fixture("openai-chat-tool-call.sse"), fixture("openai-chat-answer.sse")));
    const calls: unknown[] = [];
    const chat = chatOn({name: "vllm", kind: "openai", model: "Qwen/Qwen2.5-Coder-7B-Instruct"}, `${fake.url}/v1`);
    const texts: string[] = [];
    const result = await chat.runTurn({
        systemPrompt: "You help.", history: [{role: "user", text: "What is in main.py?"}], tools: [readFileTool(calls)],
        onEvent: (e) => e.type === "text" && texts.push(e.text)
    });
    assert.equal(result.stopReason, "done");
    assert.deepEqual(calls, [{path: "src/main.py"}]);
    const call = result.turn.parts.find((p): p is ToolCallPart => p.type === "toolCall")!;
    assert.equal(call.status, "done");
    assert.equal(texts.join(""), "Let me look.The file defines `add`.");
    const second = fake.requests.filter((r) => r.path === "/v1/chat/completions").at(-1)!.body as {messages: Array<Record<string, unknown>>; tools: unknown[]};
    const assistant = second.messages.find((m) => m.role === "assistant")!;
    const tool = second.messages.find((m) => m.role === "tool")!;
    assert.deepEqual(assistant.tool_calls, [{id: call.id, type: "function", function: {name: "read_file", arguments: "{\"path\":\"src/main.py\"}"}}]);
    assert.equal(tool.tool_call_id, call.id);
    assert.equal(tool.content, "def add(a, b):\n    return a + b\n");
    assert.equal(second.tools.length, 1);
});

test("Ollama chat: whole tool calls per line, the result as a tool message, then the answer", async () => {
    fake.on("POST /api/chat", inTurn(fixture("ollama-chat-tool-call.ndjson"), fixture("ollama-chat-answer.ndjson")));
    const calls: unknown[] = [];
    const chat = chatOn({name: "box", kind: "ollama", model: "qwen2.5-coder:1.5b"});
    const result = await chat.runTurn({systemPrompt: "You help.", history: [{role: "user", text: "What is in main.py?"}], tools: [readFileTool(calls)]});
    assert.equal(result.stopReason, "done");
    assert.deepEqual(calls, [{path: "src/main.py"}]);
    const second = fake.requests.filter((r) => r.path === "/api/chat").at(-1)!.body as {messages: Array<Record<string, unknown>>};
    assert.deepEqual(second.messages.find((m) => m.role === "tool"), {role: "tool", content: "def add(a, b):\n    return a + b\n", tool_name: "read_file"});
    assert.deepEqual(second.messages.find((m) => m.role === "assistant")!.tool_calls, [{function: {name: "read_file", arguments: {path: "src/main.py"}}}]);
});

test("arguments that do not match the tool's schema are refused before the tool runs, and the model is told why", async () => {
    const badCall = fixture("ollama-chat-tool-call.ndjson").replace("{\"path\":\"src/main.py\"}", "{\"file\":3}");
    fake.on("POST /api/chat", inTurn(badCall, fixture("ollama-chat-answer.ndjson")));
    const calls: unknown[] = [];
    const result = await chatOn({name: "box", kind: "ollama", model: "m"}).runTurn({systemPrompt: "s", history: [{role: "user", text: "hi"}], tools: [readFileTool(calls)]});
    assert.deepEqual(calls, []);
    const call = result.turn.parts.find((p): p is ToolCallPart => p.type === "toolCall")!;
    assert.equal(call.status, "error");
    assert.match(String(call.result), /must have required property 'path'/);
});

test("a chat server that fails ends the turn with one notice naming it; nothing hangs", async () => {
    fake.on("POST /api/chat", {status: 500, body: "{\"error\":\"llama runner process has terminated: exit status 2\"}"});
    const result = await chatOn({name: "box", kind: "ollama", model: "m"}).runTurn({systemPrompt: "s", history: [{role: "user", text: "hi"}], tools: []});
    assert.equal(result.stopReason, "error");
    assert.deepEqual(result.turn.parts, [{type: "notice", level: "error", text: `box (Ollama at ${fake.url}) answered 500 to /api/chat: llama runner process has terminated: exit status 2`}]);
});

test("a stopped turn cancels the request and says so", async () => {
    fake.on("POST /api/chat", {body: fixture("ollama-chat-answer.ndjson"), hang: {partial: 0}});
    const controller = new AbortController();
    const arrived = fake.nextRequest();
    const pending = chatOn({name: "box", kind: "ollama", model: "m"}).runTurn({systemPrompt: "s", history: [{role: "user", text: "hi"}], tools: [], signal: controller.signal});
    await arrived;
    controller.abort();
    const result = await pending;
    assert.equal(result.stopReason, "stopped");
    assert.deepEqual(result.turn.parts.at(-1), {type: "notice", level: "info", text: "Stopped."});
});
