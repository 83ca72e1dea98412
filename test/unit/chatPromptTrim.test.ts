import {test} from "node:test";
import assert from "node:assert/strict";
import type {AssistantTurn, ChatTurn} from "../../src/engine/chat/chatTranscript";
import {toolDropOrder, trimmedNotice, trimToBudget, type PromptCosts} from "../../src/engine/chat/promptTrim";
import {fitServerPrompt} from "../../src/servers/chat/serverChat";

const user = (text: string): ChatTurn => ({role: "user", text});
const reply = (text: string, ...calls: string[]): AssistantTurn => ({
    role: "assistant",
    parts: [...calls.map((name, i) => ({type: "toolCall" as const, id: `${name}${i}`, name, params: {}, status: "done" as const, result: "r"})), {type: "text", text}]
});
const TOOLS: PromptCosts["tools"] = [
    {name: "readFile", tokens: 100, optional: false},
    {name: "search", tokens: 100, optional: false},
    {name: "other.ext", tokens: 100, optional: true}
];

/** A conversation of `n` exchanges, each a question and an answer of 50 tokens, then a new question. */
function conversation(n: number): {turns: ChatTurn[]; costs: PromptCosts} {
    const turns: ChatTurn[] = [];
    for (let i = 0; i < n; i++)
        turns.push(user(`q${i}`), reply(`a${i}`));
    turns.push(user("now"));
    return {turns, costs: {system: 20, turns: turns.map(() => 50), tools: TOOLS}};
}

test("a prompt within the budget is sent whole", () => {
    const {turns, costs} = conversation(2);
    const plan = trimToBudget(turns, costs, 10_000);
    assert.deepEqual(plan, {firstTurn: 0, droppedTurns: 0, tools: ["readFile", "search", "other.ext"], droppedTools: [], total: 20 + 300 + 250, fits: true});
    assert.equal(trimmedNotice(plan, 10_000), undefined);
});

test("over the budget, the oldest exchanges go first, whole: the system prompt, the tools and the new message stay", () => {
    const {turns, costs} = conversation(10); // 20 + 300 + 21 × 50 = 1370
    const plan = trimToBudget(turns, costs, 700);
    // 700 - 320 = 380 for turns: the new message (50) and three exchanges (300).
    assert.equal(plan.firstTurn, 14);
    assert.equal(turns[plan.firstTurn]!.role, "user", "the history sent starts with a question, never a lone reply");
    assert.deepEqual(plan.droppedTools, [], "history goes before any tool");
    assert.equal(plan.total, 20 + 300 + 7 * 50);
    assert.ok(plan.fits && plan.total <= 700);
    assert.equal(trimmedNotice(plan, 700),
        "To fit the prompt budget of 700 tokens, the model was not shown the 14 oldest turns; the conversation itself is kept.");
});

test("a tool call and its result stay with their exchange: a cut never falls inside one", () => {
    const turns: ChatTurn[] = [user("q0"), reply("a0", "readFile", "search"), user("q1"), reply("", "readFile"), reply("a1"), user("now")];
    const costs: PromptCosts = {system: 10, turns: [10, 200, 10, 200, 10, 10], tools: []};
    const plan = trimToBudget(turns, costs, 300);
    assert.equal(plan.firstTurn, 2, "the first exchange (with both its calls and their results) is left out whole");
    const tighter = trimToBudget(turns, costs, 100);
    assert.equal(tighter.firstTurn, 5, "then the second, with its call and both replies");
    assert.ok(tighter.fits);
});

test("when the history is gone and it still does not fit, tools go: never used first, other extensions' before built-in ones", () => {
    const turns: ChatTurn[] = [user("q0"), reply("a0", "search"), user("now")];
    const costs: PromptCosts = {system: 20, turns: [10, 10, 10], tools: TOOLS};
    assert.deepEqual(toolDropOrder(turns, TOOLS), ["other.ext", "readFile", "search"]);
    const plan = trimToBudget(turns, costs, 140);
    assert.equal(plan.firstTurn, 2);
    assert.deepEqual(plan.droppedTools, ["other.ext", "readFile"]);
    assert.deepEqual(plan.tools, ["search"]);
    assert.equal(plan.total, 20 + 100 + 10);
    assert.match(trimmedNotice(plan, 140)!, /the 2 oldest turns and 2 tool descriptions \(other\.ext, readFile\)/);
});

test("of two used tools, the one used longer ago goes first", () => {
    const turns: ChatTurn[] = [user("a"), reply("", "search"), user("b"), reply("", "readFile"), user("now")];
    assert.deepEqual(toolDropOrder(turns, TOOLS.slice(0, 2)), ["search", "readFile"]);
});

test("a history that continues after tool results keeps the latest question and everything after it", () => {
    const turns: ChatTurn[] = [user("old"), reply("a"), user("now"), reply("", "readFile")];
    const plan = trimToBudget(turns, {system: 0, turns: [100, 100, 10, 10], tools: []}, 50);
    assert.equal(plan.firstTurn, 2);
    assert.equal(plan.total, 20);
});

test("a message too long on its own is reported as not fitting, not trimmed into nonsense", () => {
    const plan = trimToBudget([user("huge")], {system: 20, turns: [5000], tools: TOOLS}, 1000);
    assert.equal(plan.fits, false);
    assert.deepEqual(plan.tools, [], "every tool was tried first");
    assert.equal(plan.firstTurn, 0);
});

test("the tool preamble counts while any tool is offered, and goes with the last one", () => {
    const turns: ChatTurn[] = [user("now")];
    const costs: PromptCosts = {system: 10, turns: [10], tools: TOOLS.slice(0, 1), toolsOverhead: 50};
    assert.equal(trimToBudget(turns, costs, 1000).total, 10 + 10 + 100 + 50);
    const none = trimToBudget(turns, costs, 100);
    assert.deepEqual([none.tools, none.total, none.fits], [[], 20, true]);
});

test("a server chat trims by the same rule with estimated counts, and only when a budget is set", () => {
    const {turns} = conversation(30);
    const tools = TOOLS.map((t) => ({name: t.name, description: "d".repeat(350), optional: t.optional, invoke: () => Promise.resolve({result: null})}));
    const request = {systemPrompt: "You are QuantPilot.", history: turns, tools};
    assert.equal(fitServerPrompt(request, tools, 0).history.length, turns.length, "no budget: the server's context is the limit");
    const fitted = fitServerPrompt(request, tools, 500);
    assert.ok(fitted.fits);
    assert.ok(fitted.history.length < turns.length && fitted.history[0]!.role === "user");
    assert.deepEqual(fitted.history.at(-1), user("now"));
    assert.match(fitted.notice!, /^To fit the prompt budget of 500 tokens, the model was not shown the \d+ oldest turns;/);
    const tooLong = fitServerPrompt({...request, history: [user("x".repeat(10_000))]}, tools, 500);
    assert.equal(tooLong.fits, false);
    assert.match(tooLong.notice!, /alone take about [\d,]+ tokens, over the prompt budget of 500/);
});
