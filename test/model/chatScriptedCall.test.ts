import {after, test} from "node:test";
import assert from "node:assert/strict";
import {existsSync} from "node:fs";
import {readFile, realpath, writeFile} from "node:fs/promises";
import {join} from "node:path";
import type {ChatTool} from "../../src/engine/chat/chatTool";
import type {AssistantTurn, ToolCallPart} from "../../src/engine/chat/chatTranscript";
import {qwenToolCallScript} from "../../src/engine/chat/scriptedTokenBias";
import {ToolChat, type ToolChatOptions} from "../../src/engine/chat/toolChat";
import {BUILTIN_TOOLS} from "../../src/tools/builtinTools";
import {asChatTool} from "../../src/tools/chatToolAdapter";
import {NodeToolEnvironment, type NodeToolEnvironmentOptions} from "../../src/tools/nodeToolEnvironment";
import {WorkspacePaths} from "../../src/tools/workspacePaths";
import {newTestEngine, testRuntime, TEST_LOAD_OPTIONS} from "../helpers/engine";
import {testModel} from "../helpers/testModels";
import {tempDir} from "../helpers/tempDir";

/** The tool descriptions alone take ~1,500 tokens of the tiny vocabulary. */
const CHAT_LOAD = {...TEST_LOAD_OPTIONS, contextSize: 4096};
const SYSTEM = "You are QuantPilot.";
const MARKER = "zebra-417";

after(async () => {
    await testRuntime().dispose();
});

async function setup(env: Partial<NodeToolEnvironmentOptions> = {}, options: () => ToolChatOptions = () => ({})) {
    const root = await realpath(tempDir("chat"));
    await writeFile(join(root, "notes.txt"), `hello ${MARKER}\n`);
    const engine = newTestEngine();
    await engine.load(await testModel("tiny"), CHAT_LOAD);
    // The product's default temperature: scripted replies must come out the same under sampling.
    const chat = new ToolChat(engine, () => ({temperature: 0.8, maxReplyTokens: 200, ...options()}));
    const paths = new WorkspacePaths([{name: "ws", path: root}]);
    const tools = BUILTIN_TOOLS.map((t) => asChatTool(t, (call) => new NodeToolEnvironment({paths, signal: call.signal, ...env})));
    return {root, engine, chat, tools, close: async () => {
        await chat.dispose();
        await engine.dispose();
    }};
}

function calls(turn: AssistantTurn): ToolCallPart[] {
    return turn.parts.filter((p): p is ToolCallPart => p.type === "toolCall");
}

test("a scripted call runs through the real tokenizer, call detection, grammar, tool and result rendering", async () => {
    const {chat, tools, close} = await setup();
    const events: string[] = [];
    const result = await chat.runTurn({
        systemPrompt: SYSTEM,
        history: [{role: "user", text: "What is in notes.txt?"}],
        tools,
        script: [qwenToolCallScript("readFile", {path: "notes.txt", startLine: null, endLine: null}), "It says hello.<|im_end|>"],
        onEvent: (e) => events.push(e.type === "part" ? `part:${e.part.type}:${e.part.type === "toolCall" ? e.part.status : ""}` : "text")
    });
    assert.equal(result.stopReason, "done");
    assert.equal(result.toolsOffered, true);
    const [call] = calls(result.turn);
    assert.deepEqual({name: call!.name, params: call!.params, status: call!.status}, {name: "readFile", params: {path: "notes.txt", startLine: null, endLine: null}, status: "done"});
    assert.equal(call!.result, `notes.txt (lines 1-1 of 1):\nhello ${MARKER}`);
    assert.equal(result.turn.parts[result.turn.parts.length - 1]!.type, "text");
    assert.equal((result.turn.parts[result.turn.parts.length - 1] as {text: string}).text, "It says hello.");
    assert.deepEqual(events.filter((e) => e.startsWith("part:toolCall")), ["part:toolCall:running", "part:toolCall:done"]);
    const context = await chat.contextText();
    assert.ok(context?.includes('<tool_call>\n{"name": "readFile", "arguments": {"path":"notes.txt","startLine":null,"endLine":null}}\n</tool_call>'), "the call as generated");
    assert.ok(context?.includes(`<tool_response>\n"notes.txt (lines 1-1 of 1):\\nhello ${MARKER}"\n</tool_response>`), "the result is rendered into the chat template");
    await close();
});

test("an accepted edit changes the file; a rejected one leaves it unchanged and the model is told", async () => {
    let decision: "accepted" | "rejected" = "accepted";
    const {root, chat, tools, close} = await setup({decideChange: async () => decision});
    const edit = qwenToolCallScript("editFile", {path: "notes.txt", find: "hello", replace: "goodbye"});
    const accepted = await chat.runTurn({systemPrompt: SYSTEM, history: [{role: "user", text: "Say goodbye"}], tools, script: [edit, "Done.<|im_end|>"]});
    assert.equal(calls(accepted.turn)[0]!.result, "Edited notes.txt.");
    assert.equal(await readFile(join(root, "notes.txt"), "utf8"), `goodbye ${MARKER}\n`);

    decision = "rejected";
    const back = qwenToolCallScript("editFile", {path: "notes.txt", find: "goodbye", replace: "hello"});
    const rejected = await chat.runTurn({
        systemPrompt: SYSTEM,
        history: [{role: "user", text: "Say goodbye"}, accepted.turn, {role: "user", text: "Undo that"}],
        tools,
        script: [back, "OK, left as is.<|im_end|>"]
    });
    const call = calls(rejected.turn)[0]!;
    assert.equal(call.status, "rejected");
    assert.equal(call.result, "The user rejected the edit to notes.txt; the file is unchanged.");
    assert.equal(await readFile(join(root, "notes.txt"), "utf8"), `goodbye ${MARKER}\n`);
    assert.match(await chat.contextText() ?? "", /<tool_response>\n"The user rejected the edit to notes\.txt/);
    await close();
});

test("a tool that throws gives the model its error and the turn goes on", async () => {
    const {chat, close} = await setup();
    const exploding: ChatTool = {
        name: "explode", description: "Always fails", params: {type: "object", properties: {}, required: []},
        invoke: async () => {
            throw new Error("the disk is on fire");
        }
    };
    const result = await chat.runTurn({
        systemPrompt: SYSTEM, history: [{role: "user", text: "go"}], tools: [exploding],
        script: [qwenToolCallScript("explode", {}), "That failed.<|im_end|>"]
    });
    const call = calls(result.turn)[0]!;
    assert.deepEqual({status: call.status, result: call.result}, {status: "error", result: "Error: the disk is on fire"});
    assert.equal(result.stopReason, "done");
    assert.match(await chat.contextText() ?? "", /<tool_response>\n"Error: the disk is on fire"\n<\/tool_response>/);
    await close();
});

test("a stop while a change waits for approval cancels the call and writes nothing", async () => {
    const stop = new AbortController();
    const {root, chat, tools, close} = await setup({decideChange: (change) => new Promise((resolve) => {
        assert.equal(change.displayPath, "new.txt");
        stop.abort();
        setTimeout(() => resolve("rejected"), 10);
    })});
    const result = await chat.runTurn({
        systemPrompt: SYSTEM, history: [{role: "user", text: "make a file"}], tools, signal: stop.signal,
        script: [qwenToolCallScript("createFile", {path: "new.txt", content: "x"}), "never said<|im_end|>"]
    });
    assert.equal(result.stopReason, "stopped");
    assert.equal(calls(result.turn)[0]!.status, "cancelled");
    assert.equal(existsSync(join(root, "new.txt")), false);
    assert.deepEqual(result.turn.parts[result.turn.parts.length - 1], {type: "notice", level: "info", text: "Stopped."});
    await close();
});

test("tool-call rounds per turn are bounded: calls past the limit are recorded as not run", async () => {
    // The limit is read when the turn starts (a settings change applies to the next turn).
    let maxToolRounds = 8;
    const {chat, tools, close} = await setup({}, () => ({maxToolRounds}));
    maxToolRounds = 1;
    const read = qwenToolCallScript("readFile", {path: "notes.txt", startLine: null, endLine: null});
    const result = await chat.runTurn({systemPrompt: SYSTEM, history: [{role: "user", text: "read twice"}], tools, script: [read, read, "unreachable<|im_end|>"]});
    assert.equal(result.stopReason, "toolRoundLimit");
    assert.deepEqual(calls(result.turn).map((c) => c.status), ["done", "skipped"]);
    assert.match(String(calls(result.turn)[1]!.result), /Not run: the limit/);
    assert.match((result.turn.parts[result.turn.parts.length - 1] as {text: string}).text, /Stopped after 1 rounds of tool calls/);
    await close();
});

test("a reply cut off in the middle of a call ends the turn with a warning, and nothing runs", async () => {
    const {chat, tools, close} = await setup({}, () => ({maxReplyTokens: 12}));
    const result = await chat.runTurn({
        systemPrompt: SYSTEM, history: [{role: "user", text: "read"}], tools,
        script: [qwenToolCallScript("readFile", {path: "notes.txt", startLine: null, endLine: null})]
    });
    assert.equal(result.stopReason, "maxTokens");
    assert.equal(calls(result.turn).length, 0);
    assert.deepEqual(result.turn.parts[result.turn.parts.length - 1], {type: "notice", level: "warning", text: "The reply reached its length limit and was cut off."});
    await close();
});

test("a model whose chat template has no tool support still chats, with no tools offered", async () => {
    const engine = newTestEngine();
    const model = await engine.load(await testModel("llama-spm"), CHAT_LOAD);
    assert.equal(model.supportsTools, false);
    const chat = new ToolChat(engine, {temperature: 0, maxReplyTokens: 8});
    let invoked = false;
    const tool: ChatTool = {name: "probe", description: "x", invoke: async () => {
        invoked = true;
        return {result: "no"};
    }};
    const result = await chat.runTurn({systemPrompt: SYSTEM, history: [{role: "user", text: "hi"}], tools: [tool]});
    assert.equal(result.toolsOffered, false);
    assert.ok(result.stopReason === "done" || result.stopReason === "maxTokens");
    assert.equal(calls(result.turn).length, 0);
    assert.equal(invoked, false);
    await chat.dispose();
    await engine.dispose();
});

test("without a loaded model a turn ends with a notice, and a model switch stops a running turn", async () => {
    const engine = newTestEngine();
    const chat = new ToolChat(engine, {temperature: 0});
    const none = await chat.runTurn({systemPrompt: SYSTEM, history: [{role: "user", text: "hi"}], tools: []});
    assert.equal(none.stopReason, "error");
    assert.match((none.turn.parts[0] as {text: string}).text, /No model is loaded/);

    await engine.load(await testModel("tiny"), CHAT_LOAD);
    let started: () => void = () => undefined;
    const invoked = new Promise<void>((resolve) => started = resolve);
    const waiting: ChatTool = {name: "wait", description: "Waits", invoke: (_params, call) => new Promise((resolve) => {
        started();
        call.signal.addEventListener("abort", () => resolve({result: "late"}));
    })};
    const running = chat.runTurn({systemPrompt: SYSTEM, history: [{role: "user", text: "wait"}], tools: [waiting], script: [qwenToolCallScript("wait")]});
    await Promise.race([invoked, running.then(() => assert.fail("the turn ended before the tool ran"))]);
    await engine.load(await testModel("tiny", 2), CHAT_LOAD);
    const result = await running;
    assert.equal(result.stopReason, "stopped");
    assert.equal(calls(result.turn)[0]!.status, "cancelled");
    assert.deepEqual(result.turn.parts[result.turn.parts.length - 1], {type: "notice", level: "info", text: "Stopped: the model was changed."});
    const next = await chat.runTurn({systemPrompt: SYSTEM, history: [{role: "user", text: "hi"}], tools: [], script: ["Hi.<|im_end|>"]});
    assert.equal((next.turn.parts[0] as {text: string}).text, "Hi.", "the next turn runs on the new model");
    await chat.dispose();
    await engine.dispose();
});
