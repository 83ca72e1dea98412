import {test} from "node:test";
import assert from "node:assert/strict";
import type {AssistantTurn, ChatTurn} from "../../src/engine/chat/chatTranscript";
import type {ModelDescription} from "../../src/engine/modelDescription";
import {assistantViewState, chatTurnView, turnEventView} from "../../src/assistant/assistantViews";
import type {ChatTurnView} from "../../src/assistant/protocol";
import {applyTurnEvent} from "../../webview/assistant/assistantStore";

const answer: AssistantTurn = {
    role: "assistant",
    parts: [
        {type: "text", text: "Looking."},
        {type: "toolCall", id: "c1", name: "readFile", params: {path: "a.ts", range: undefined}, status: "done", result: {lines: 3}, summary: "a.ts", startsNewChunk: true},
        {type: "toolCall", id: "c2", name: "listProblems", params: undefined, status: "running"},
        {type: "notice", level: "warning", text: "Stopped."}
    ]
};

test("the view gets each turn as plain data: what the chat format needs stays on the host", () => {
    assert.deepEqual(chatTurnView({role: "user", text: "hi"}), {role: "user", text: "hi"});
    const view = chatTurnView(answer);
    assert.deepEqual(view, {
        role: "assistant",
        parts: [
            {type: "text", text: "Looking."},
            {type: "toolCall", id: "c1", name: "readFile", params: {path: "a.ts"}, status: "done", result: {lines: 3}, summary: "a.ts"},
            {type: "toolCall", id: "c2", name: "listProblems", status: "running"},
            {type: "notice", level: "warning", text: "Stopped."}
        ]
    });
    assert.deepEqual(JSON.parse(JSON.stringify(view)), view, "nothing is lost on the way through postMessage");
    const part = answer.parts[1]!;
    assert.ok(part.type === "toolCall" && view.role === "assistant" && view.parts[1]!.type === "toolCall");
    assert.notEqual(view.parts[1].params, part.params, "a copy: the host's own objects never reach the view");
});

test("streamed events map the same way", () => {
    assert.deepEqual(turnEventView({type: "text", text: "ab"}), {type: "text", text: "ab"});
    assert.deepEqual(turnEventView({type: "part", index: 2, part: answer.parts[2]!}),
        {type: "part", index: 2, part: {type: "toolCall", id: "c2", name: "listProblems", status: "running"}});
});

test("the view state names the loaded model and its chat format, and nothing else of it", () => {
    const model = {fileName: "m.gguf", chatWrapper: "chatml", path: "/m/m.gguf"} as ModelDescription;
    const from = {conversationId: "x", turns: [] as ChatTurn[], busy: false, tools: {available: true} as const, approvals: []};
    assert.deepEqual(assistantViewState({...from, model}).model, {name: "m.gguf", chatFormat: "chatml"});
    assert.equal("model" in assistantViewState({...from, model: undefined}), false);
});

test("the webview applies streamed text and parts to the last assistant turn without changing the old state", () => {
    const turns: ChatTurnView[] = [{role: "user", text: "hi"}, chatTurnView({role: "assistant", parts: [{type: "text", text: "He"}]})];
    const streamed = applyTurnEvent(turns, {type: "text", text: "llo"})!;
    assert.deepEqual(streamed[1], {role: "assistant", parts: [{type: "text", text: "Hello"}]});
    assert.deepEqual(turns[1], {role: "assistant", parts: [{type: "text", text: "He"}]}, "the previous state is untouched");
    const withCall = applyTurnEvent(streamed, {type: "part", index: 1, part: {type: "toolCall", id: "c", name: "grep", status: "running"}})!;
    const updated = applyTurnEvent(withCall, {type: "part", index: 1, part: {type: "toolCall", id: "c", name: "grep", status: "done"}})!;
    assert.deepEqual(updated[1], {role: "assistant", parts: [{type: "text", text: "Hello"}, {type: "toolCall", id: "c", name: "grep", status: "done"}]});
    assert.deepEqual(applyTurnEvent(updated, {type: "text", text: "!"}), updated, "text after a tool call waits for its own text part");
    assert.equal(applyTurnEvent([{role: "user", text: "hi"}], {type: "text", text: "x"}), undefined, "nothing to apply to");
    assert.equal(applyTurnEvent([], {type: "text", text: "x"}), undefined);
});
