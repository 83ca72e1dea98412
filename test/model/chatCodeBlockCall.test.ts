import {after, test} from "node:test";
import assert from "node:assert/strict";
import {realpath, writeFile} from "node:fs/promises";
import {join} from "node:path";
import type {ToolCallPart} from "../../src/engine/chat/chatTranscript";
import {ToolChat} from "../../src/engine/chat/toolChat";
import {BUILTIN_TOOLS} from "../../src/tools/builtinTools";
import {asChatTool} from "../../src/tools/chatToolAdapter";
import {NodeToolEnvironment} from "../../src/tools/nodeToolEnvironment";
import {WorkspacePaths} from "../../src/tools/workspacePaths";
import {newTestEngine, testRuntime, TEST_LOAD_OPTIONS} from "../helpers/engine";
import {testModel} from "../helpers/testModels";
import {tempDir} from "../helpers/tempDir";

after(async () => {
    await testRuntime().dispose();
});

test("a call the model writes as a JSON code block runs like a call in the chat format, and its text leaves the reply", async () => {
    const root = await realpath(tempDir("codeblock"));
    await writeFile(join(root, "notes.txt"), "hello okapi-93\n");
    const engine = newTestEngine();
    await engine.load(await testModel("tiny"), {...TEST_LOAD_OPTIONS, contextSize: 4096});
    const chat = new ToolChat(engine, () => ({temperature: 0, maxReplyTokens: 200}));
    const paths = new WorkspacePaths([{name: "ws", path: root}]);
    const tools = BUILTIN_TOOLS.map((t) => asChatTool(t, (call) => new NodeToolEnvironment({paths, signal: call.signal})));
    try {
        const result = await chat.runTurn({
            systemPrompt: "You are QuantPilot.",
            history: [{role: "user", text: "What is in notes.txt?"}],
            tools,
            // How Qwen2.5-Coder 0.5B/1.5B answered every tools-eval case, then an answer.
            script: ["Let me read it.\n```json\n{\"name\": \"readFile\", \"arguments\": {\"path\": \"notes.txt\", \"startLine\": null}}\n```<|im_end|>", "It says hello.<|im_end|>"]
        });
        assert.equal(result.stopReason, "done");
        const calls = result.turn.parts.filter((p): p is ToolCallPart => p.type === "toolCall");
        assert.deepEqual(calls.map((c) => [c.name, c.params, c.status]), [["readFile", {path: "notes.txt", startLine: null, endLine: null}, "done"]]);
        assert.match(String(calls[0]!.result), /hello okapi-93/);
        assert.deepEqual(result.turn.parts.filter((p) => p.type === "text").map((p) => (p as {text: string}).text), ["Let me read it.", "It says hello."]);
        const context = await chat.contextText();
        assert.ok(context?.includes("<tool_call>") && !context.includes("```json"), "the call is in the context in the chat format's syntax, the code block is not");
    } finally {
        await chat.dispose();
        await engine.dispose();
    }
});
