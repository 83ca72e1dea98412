import "../helpers/vscode/installVscodeStub";
import {after, test} from "node:test";
import assert from "node:assert/strict";
import {turnText} from "../../src/engine/chat/chatTranscript";
import {qwenToolCallScript} from "../../src/engine/chat/scriptedTokenBias";
import {ToolChat} from "../../src/engine/chat/toolChat";
import {ModelHost} from "../../src/engine/modelHost";
import {LM_SYSTEM_PROMPT} from "../../src/lm/lmChatRequest";
import {QuantPilotChatProvider} from "../../src/lm/vscode/quantPilotChatProvider";
import {newTestEngine, testRuntime, TEST_LOAD_OPTIONS} from "../helpers/engine";
import {silentLogger} from "../../src/util/logger";
import {testModel} from "../helpers/testModels";
import {
    CancellationTokenSource, LanguageModelChatMessageRole, LanguageModelChatToolMode, LanguageModelTextPart,
    type LanguageModelToolCallPart, LanguageModelToolResultPart
} from "../helpers/vscode/vscodeStub";

const GREEDY = {temperature: 0, maxReplyTokens: 16};

after(async () => {
    await testRuntime().dispose();
});

/** The provider over a real engine with the generated test model, on the assistant's chat engine. */
async function setup(options = GREEDY) {
    const engine = newTestEngine();
    await engine.load(await testModel("tiny"), {...TEST_LOAD_OPTIONS, contextSize: 2048});
    const chat = new ToolChat(engine, options);
    const scripts: Array<readonly string[]> = [];
    const provider = new QuantPilotChatProvider({
        models: new ModelHost(engine, async () => TEST_LOAD_OPTIONS),
        chat: {get model() {
            return engine.model;
        }, runTurn: (request) => chat.runTurn(request)},
        tokenizer: () => engine.loaded, maxReplyTokens: () => options.maxReplyTokens, log: silentLogger,
        script: () => scripts.shift()
    });
    return {engine, chat, provider, scripts, close: async () => {
        provider.dispose();
        await chat.dispose();
        await engine.dispose();
    }};
}

async function send(provider: QuantPilotChatProvider, messages: Array<{role: number; content: unknown[]}>, tools: unknown[] = []) {
    const parts: unknown[] = [];
    const [model] = provider.provideLanguageModelChatInformation();
    assert.ok(model != null, "the loaded model is listed");
    await provider.provideLanguageModelChatResponse(model, messages.map((m) => ({...m, name: undefined})) as never,
        {tools: tools as never, toolMode: LanguageModelChatToolMode.Auto}, {report: (p) => parts.push(p)}, new CancellationTokenSource().token);
    return parts;
}

const question = {role: LanguageModelChatMessageRole.User, content: [new LanguageModelTextPart("Write a haiku about rivers.")]};

test("a plain request streams what the engine's chat says for the same prompt", async () => {
    const s = await setup();
    const streamed = (await send(s.provider, [question])).map((p) => (p as LanguageModelTextPart).value).join("");
    const direct = await new ToolChat(s.engine, GREEDY).runTurn({systemPrompt: LM_SYSTEM_PROMPT, history: [{role: "user", text: "Write a haiku about rivers."}], tools: []});
    assert.notEqual(streamed, "");
    assert.equal(streamed, turnText(direct.turn));
    await s.close();
});

test("a tool call made under the grammar reaches the caller, and the caller's result is rendered into the same reply", async () => {
    // Room for the scripted call: the tiny vocabulary spells it in many tokens.
    const s = await setup({...GREEDY, maxReplyTokens: 200});
    const weather = {name: "get weather", description: "Weather in a city", inputSchema: {type: "object", properties: {city: {type: "string"}, unit: {type: "string"}}, required: ["city"]}};
    s.scripts.push([qwenToolCallScript("get_weather", {city: "Oslo", unit: null})]);
    const first = await send(s.provider, [question], [weather]);
    assert.equal(first.length, 1);
    const call = first[0] as LanguageModelToolCallPart;
    assert.deepEqual([call.name, call.input], ["get weather", {city: "Oslo"}]);

    s.scripts.push(["It is cold.<|im_end|>"]);
    const second = await send(s.provider, [
        question,
        {role: LanguageModelChatMessageRole.Assistant, content: first},
        {role: LanguageModelChatMessageRole.User, content: [new LanguageModelToolResultPart(call.callId, [new LanguageModelTextPart("-3 C")])]}
    ], [weather]);
    assert.deepEqual(second.map((p) => (p as LanguageModelTextPart).value).join(""), "It is cold.");
    const context = await s.chat.contextText() ?? "";
    // The caller's call is rendered by the chat template (arguments without the nulls the caller never saw).
    assert.match(context, /<\|im_start\|>user\nWrite a haiku about rivers\.<\|im_end\|>\n<\|im_start\|>assistant\n<tool_call>\n\{"name": "get_weather", "arguments": \{"city": "Oslo"\}\}\n<\/tool_call><\|im_end\|>\n/);
    assert.match(context, /<tool_response>\n"-3 C"\n<\/tool_response><\|im_end\|>\n<\|im_start\|>assistant\nIt is cold\.$/, "the reply goes on after the result, with no empty turn in between");
    await s.close();
});

test("token counts are the loaded model's own tokenizer's", async () => {
    const s = await setup();
    const [model] = s.provider.provideLanguageModelChatInformation();
    const text = "function add(a, b) { return a + b; }";
    assert.equal(await s.provider.provideTokenCount(model!, text), s.engine.loaded!.tokenize(text).length);
    await s.close();
});
