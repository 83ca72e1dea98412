import {after, test} from "node:test";
import assert from "node:assert/strict";
import {realpath} from "node:fs/promises";
import type {ChatTurn} from "../../src/engine/chat/chatTranscript";
import {ToolChat, type ToolChatOptions} from "../../src/engine/chat/toolChat";
import {promptPartsTotal} from "../../src/engine/promptParts";
import type {RequestMetrics} from "../../src/engine/requestMetrics";
import {BUILTIN_TOOLS} from "../../src/tools/builtinTools";
import {asChatTool} from "../../src/tools/chatToolAdapter";
import {NodeToolEnvironment} from "../../src/tools/nodeToolEnvironment";
import {WorkspacePaths} from "../../src/tools/workspacePaths";
import {newTestEngine, testRuntime, TEST_LOAD_OPTIONS} from "../helpers/engine";
import {testModel} from "../helpers/testModels";
import {tempDir} from "../helpers/tempDir";

const SYSTEM = "You are QuantPilot.";

after(async () => {
    await testRuntime().dispose();
});

async function setup(contextSize: number, options: ToolChatOptions) {
    const root = await realpath(tempDir("budget"));
    const engine = newTestEngine();
    await engine.load(await testModel("tiny"), {...TEST_LOAD_OPTIONS, contextSize});
    const chat = new ToolChat(engine, () => ({temperature: 0, ...options}));
    const paths = new WorkspacePaths([{name: "ws", path: root}]);
    const tools = BUILTIN_TOOLS.map((t) => asChatTool(t, (call) => new NodeToolEnvironment({paths, signal: call.signal})));
    const metrics: RequestMetrics[] = [];
    const listening = engine.requests.onRequest((m) => metrics.push(m));
    return {engine, chat, tools, metrics, close: async () => {
        listening.dispose();
        await chat.dispose();
        await engine.dispose();
    }};
}

/** A long conversation: `n` exchanges of about 120 tokens each, then a new question. */
function longConversation(n: number): ChatTurn[] {
    const turns: ChatTurn[] = [];
    for (let i = 0; i < n; i++) {
        turns.push({role: "user", text: `Question ${i}: ${"please explain this function in detail ".repeat(8)}`});
        turns.push({role: "assistant", parts: [{type: "text", text: `Answer ${i}: ${"the function adds two numbers and returns them ".repeat(8)}`}]});
    }
    turns.push({role: "user", text: "And now, what does main() do?"});
    return turns;
}

test("a conversation far longer than the context answers: the oldest turns are left out of the prompt, not the store", async () => {
    const {chat, tools, metrics, close} = await setup(4096, {maxReplyTokens: 64});
    const history = longConversation(40);
    const stored = JSON.stringify(history);
    const notices: string[] = [];
    const result = await chat.runTurn({
        systemPrompt: SYSTEM, history, tools, script: ["It prints hello.<|im_end|>"],
        onEvent: (e) => {
            if (e.type === "part" && e.part.type === "notice")
                notices.push(e.part.text);
        }
    });
    assert.equal(result.stopReason, "done", JSON.stringify(result.turn.parts));
    assert.equal((result.turn.parts.at(-1) as {text?: string}).text, "It prints hello.");
    assert.equal(JSON.stringify(history), stored, "the conversation passed in is unchanged");
    assert.equal(notices.length, 1);
    assert.match(notices[0]!, /^To fit the prompt budget of 4,016 tokens, the model was not shown the \d+ oldest turns; the conversation itself is kept\.$/);
    const first = metrics.find((m) => m.kind === "chat" && m.promptParts != null);
    assert.ok(first?.promptParts != null, "the turn's first reply reports its prompt by part");
    const parts = first.promptParts;
    assert.equal(parts.totalCap, 4096 - 64 - 16);
    const total = promptPartsTotal(parts);
    assert.ok(total <= parts.totalCap!, `${total} tokens sent within the budget`);
    assert.ok(parts.tokens.history! > 0 && parts.tokens.toolsSchema! > 0 && parts.tokens.system! > 0 && parts.tokens.userMessage! > 0, JSON.stringify(parts));
    // The counts are the model's: what the sequence evaluated for the reply, give or take the
    // template's opening of the reply.
    const sent = first.promptTokensEvaluated + first.promptTokensReused;
    assert.ok(Math.abs(sent - total) <= 4, `parts add up to ${total}, the model evaluated ${sent}`);
    await close();
});

test("tool descriptions larger than the budget: the least used are left out instead of failing the turn", async () => {
    // The built-in tools' descriptions alone take about 1,500 tokens of the tiny vocabulary.
    const {chat, tools, close} = await setup(1024, {maxReplyTokens: 64});
    const notices: string[] = [];
    const result = await chat.runTurn({
        systemPrompt: SYSTEM, history: [{role: "user", text: "Hello"}], tools, script: ["Hi.<|im_end|>"],
        onEvent: (e) => {
            if (e.type === "part" && e.part.type === "notice")
                notices.push(e.part.text);
        }
    });
    assert.equal(result.stopReason, "done", JSON.stringify(result.turn.parts));
    assert.equal(notices.length, 1);
    assert.match(notices[0]!, /the model was not shown \d+ tool descriptions \(/);
    await close();
});

test("a message too long for the budget on its own is one clear error, and the chat keeps working", async () => {
    const {chat, tools, close} = await setup(1024, {maxReplyTokens: 64, promptBudgetTokens: 300});
    const result = await chat.runTurn({systemPrompt: SYSTEM, history: [{role: "user", text: "word ".repeat(2000)}], tools});
    assert.equal(result.stopReason, "error");
    const notice = result.turn.parts.at(-1) as {type: string; text: string};
    assert.match(notice.text, /^The new message and the system prompt alone take [\d,]+ tokens, over the prompt budget of 300\./);
    const next = await chat.runTurn({systemPrompt: SYSTEM, history: [{role: "user", text: "Hello"}], tools: [], script: ["Hi.<|im_end|>"]});
    assert.equal(next.stopReason, "done");
    await close();
});
