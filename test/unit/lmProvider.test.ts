import "../helpers/vscode/installVscodeStub";
import {beforeEach, test} from "node:test";
import assert from "node:assert/strict";
import type {ChatBackend} from "../../src/engine/chat/chatBackend";
import type {TurnRequest, TurnResult, TurnStopReason} from "../../src/engine/chat/toolChat";
import {TurnEmitter} from "../../src/engine/chat/turnEmitter";
import {ModelHost} from "../../src/engine/modelHost";
import {LM_SYSTEM_PROMPT} from "../../src/lm/lmChatRequest";
import type {LmModelInfo} from "../../src/lm/lmModelInfo";
import {QuantPilotChatProvider} from "../../src/lm/vscode/quantPilotChatProvider";
import {FakeLoader} from "../helpers/fakeModelLoader";
import {recordingLogger} from "../helpers/recordingLogger";
import {
    CancellationTokenSource, LanguageModelChatMessageRole, LanguageModelChatToolMode, LanguageModelTextPart,
    LanguageModelToolCallPart, LanguageModelToolResultPart, ui
} from "../helpers/vscode/vscodeStub";

beforeEach(() => ui.reset());

type Reply = (request: TurnRequest, emit: TurnEmitter) => Promise<TurnStopReason>;

/**
 * The chat engine's side of the ChatBackend interface, with turns built by the real TurnEmitter
 * (as ToolChat builds them); what the "model" says in each turn is up to the test.
 */
function fakeChat(loader: FakeLoader) {
    const requests: TurnRequest[] = [];
    let reply: Reply = async () => "done";
    const chat: Pick<ChatBackend, "model" | "runTurn"> = {
        get model() {
            const m = loader.model;
            return m != null ? {fileName: m.fileName, chatWrapper: m.chatWrapper, supportsTools: m.supportsTools} : undefined;
        },
        async runTurn(request): Promise<TurnResult> {
            requests.push(request);
            const emit = new TurnEmitter({role: "assistant", parts: []}, request.onEvent);
            const stopReason = await reply(request, emit);
            return {turn: emit.turn, stopReason, toolsOffered: request.tools.length > 0};
        }
    };
    return {chat, requests, answer: (r: Reply) => {
        reply = r;
    }};
}

async function setup(options: {tokenize?: (text: string) => unknown[]} = {}) {
    const loader = new FakeLoader();
    const host = new ModelHost(loader, async () => ({gpu: "cpu", threads: 1, contextSize: 2048}));
    const fake = fakeChat(loader);
    const log = recordingLogger();
    const provider = new QuantPilotChatProvider({
        models: host, chat: fake.chat, log, maxReplyTokens: () => 512,
        tokenizer: () => loader.model != null && options.tokenize != null ? {tokenize: options.tokenize} : undefined
    });
    const events: string[] = [];
    provider.onDidChangeLanguageModelChatInformation(() => events.push(provider.provideLanguageModelChatInformation().map((m) => m.id).join(",") || "none"));
    const load = async (path: string) => {
        const loading = host.load(path);
        await loader.loadsRequested(loader.pendingLoads.length + 1);
        loader.pendingLoads.at(-1)!.resolve({contextSize: 2048, supportsTools: true, chatWrapper: "Qwen", architecture: "qwen2", fileType: "Q8_0", bitsPerWeight: 8.5, runtime: {gpu: false, gpuLayers: 0, threads: 1, build: "prebuilt"}});
        await loading;
    };
    return {loader, host, provider, log, events, load, ...fake};
}

/** Runs one request the way VS Code does, collecting what the caller's stream would receive. */
async function send(provider: QuantPilotChatProvider, model: LmModelInfo, messages: Array<{role: number; content: unknown[]}>, options: {tools?: unknown[]; toolMode?: number; token?: CancellationTokenSource} = {}) {
    const parts: unknown[] = [];
    const token = options.token ?? new CancellationTokenSource();
    await provider.provideLanguageModelChatResponse(
        model,
        messages.map((m) => ({...m, name: undefined})) as never,
        {tools: (options.tools ?? []) as never, toolMode: options.toolMode ?? LanguageModelChatToolMode.Auto},
        {report: (part) => parts.push(part)},
        token.token
    );
    return parts;
}

const userSays = (text: string) => ({role: LanguageModelChatMessageRole.User, content: [new LanguageModelTextPart(text)]});

test("the provider lists the loaded model and tells the editor when it is switched or unloaded, not on every state change", async () => {
    const s = await setup();
    assert.deepEqual(s.provider.provideLanguageModelChatInformation(), []);
    await s.load("/m/a-q8.gguf");
    const [info] = s.provider.provideLanguageModelChatInformation();
    assert.deepEqual([info?.id, info?.version, info?.maxInputTokens, info?.maxOutputTokens, info?.capabilities.toolCalling], ["a-q8.gguf", "Q8_0", 1536, 512, true]);
    await s.load("/m/b-q8.gguf");
    await s.host.unload();
    assert.deepEqual(s.events, ["a-q8.gguf", "b-q8.gguf", "none"], "the 'loading' states in between list the same model and fire nothing");
});

test("a reply streams as text parts, in order, from a turn that returns tool calls instead of running them", async () => {
    const s = await setup();
    await s.load("/m/a-q8.gguf");
    s.answer(async (_request, emit) => {
        emit.text("Hel");
        emit.text("lo");
        return "done";
    });
    const parts = await send(s.provider, s.provider.provideLanguageModelChatInformation()[0]!, [userSays("Hi")]);
    assert.deepEqual(parts, [new LanguageModelTextPart("Hel"), new LanguageModelTextPart("lo")]);
    const [request] = s.requests;
    assert.deepEqual([request?.systemPrompt, request?.history, request?.returnToolCalls, request?.tools.length], [LM_SYSTEM_PROMPT, [{role: "user", text: "Hi"}], true, 0]);
});

test("a tool call goes back to the caller under its own name, and its result comes back into the same reply", async () => {
    const s = await setup();
    await s.load("/m/a-q8.gguf");
    const model = s.provider.provideLanguageModelChatInformation()[0]!;
    const weather = {name: "get weather", description: "Weather in a city", inputSchema: {type: "object", properties: {city: {type: "string"}, unit: {type: "string"}}, required: ["city"]}};
    s.answer(async (request, emit) => {
        assert.deepEqual(request.tools.map((t) => t.name), ["get_weather"], "offered with a name the grammar accepts");
        emit.add({type: "toolCall", id: "call-1", name: "get_weather", params: {city: "Oslo", unit: null}, status: "skipped"});
        return "toolCalls";
    });
    const first = await send(s.provider, model, [userSays("Weather in Oslo?")], {tools: [weather]});
    assert.deepEqual(first, [new LanguageModelToolCallPart("call-1", "get weather", {city: "Oslo"})]);

    s.answer(async (_request, emit) => {
        emit.text("It is -3 C.");
        return "done";
    });
    const second = await send(s.provider, model, [
        userSays("Weather in Oslo?"),
        {role: LanguageModelChatMessageRole.Assistant, content: first},
        {role: LanguageModelChatMessageRole.User, content: [new LanguageModelToolResultPart("call-1", [new LanguageModelTextPart("-3 C")])]}
    ], {tools: [weather]});
    assert.deepEqual(second, [new LanguageModelTextPart("It is -3 C.")]);
    assert.deepEqual(s.requests[1]?.history, [
        {role: "user", text: "Weather in Oslo?"},
        {role: "assistant", parts: [{type: "toolCall", id: "call-1", name: "get_weather", params: {city: "Oslo"}, status: "done", startsNewChunk: true, result: "-3 C"}]}
    ], "the history ends with the call and its result, so the model continues that reply");
});

test("cancelling the caller's token aborts the generation and ends the request quietly", async () => {
    const s = await setup();
    await s.load("/m/a-q8.gguf");
    const token = new CancellationTokenSource();
    s.answer(async (request, emit) => {
        emit.text("partial");
        token.cancel();
        assert.equal(request.signal?.aborted, true, "the engine's signal follows the token");
        emit.notice("info", "Stopped.");
        return "stopped";
    });
    const parts = await send(s.provider, s.provider.provideLanguageModelChatInformation()[0]!, [userSays("Hi")], {token});
    assert.deepEqual(parts, [new LanguageModelTextPart("partial")]);
});

test("no model, a model switched away, a failed reply or a required tool call on a model without tools: the caller gets the reason", async () => {
    const s = await setup();
    const stale = {id: "a-q8.gguf"} as LmModelInfo;
    await assert.rejects(send(s.provider, stale, [userSays("Hi")]), /QuantPilot has no model loaded\. Load one/);
    await s.load("/m/b-q8.gguf");
    await assert.rejects(send(s.provider, stale, [userSays("Hi")]), /no longer has a-q8\.gguf loaded \(it now serves b-q8\.gguf\)/);
    assert.equal(s.requests.length, 0, "the engine was not asked");
    const model = s.provider.provideLanguageModelChatInformation()[0]!;
    s.answer(async (_r, emit) => {
        emit.notice("info", "Stopped: the model was changed.");
        return "stopped";
    });
    await assert.rejects(send(s.provider, model, [userSays("Hi")]), /^LmRequestError: Stopped: the model was changed\.$/);
    s.answer(async (_r, emit) => {
        emit.notice("error", "The conversation and the tool descriptions do not fit in the model's context (2048 tokens).");
        return "error";
    });
    await assert.rejects(send(s.provider, model, [userSays("Hi")]), /do not fit in the model's context/);
    s.loader.model = {...s.loader.model!, supportsTools: false, chatWrapper: "General"};
    await assert.rejects(send(s.provider, model, [userSays("Hi")], {toolMode: LanguageModelChatToolMode.Required}), /cannot call tools: its chat template has no tool support \(General format\)/);
    assert.ok(s.log.lines.some((l) => l.startsWith("info: Language model API: QuantPilot no longer has")), "expected refusals are logged as info, not errors");
});

test("token counts come from the loaded model's tokenizer, for text and for whole messages", async () => {
    const s = await setup({tokenize: (text) => text.split(/\s+/).filter((w) => w !== "")});
    const model = {id: "a-q8.gguf"} as LmModelInfo;
    await assert.rejects(s.provider.provideTokenCount(model, "one two"), /no model loaded/);
    await s.load("/m/a-q8.gguf");
    assert.equal(await s.provider.provideTokenCount(model, "one two three"), 3);
    const message = {role: LanguageModelChatMessageRole.Assistant, name: undefined, content: [new LanguageModelTextPart("see"), new LanguageModelToolCallPart("c", "look", {at: "x"})]};
    assert.equal(await s.provider.provideTokenCount(model, message as never), 3, "text, then the call's name and arguments");
});
