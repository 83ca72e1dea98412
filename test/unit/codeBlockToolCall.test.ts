import assert from "node:assert/strict";
import test from "node:test";
import type {ChatHistoryItem} from "node-llama-cpp";
import {callsWrittenAsCodeBlocks, withLastResponseText} from "../../src/engine/chat/codeBlockToolCall";
import {TurnEmitter} from "../../src/engine/chat/turnEmitter";

const TOOLS = [
    {name: "readFile", params: {type: "object", properties: {path: {type: "string"}, startLine: {type: ["integer", "null"]}, endLine: {type: ["integer", "null"]}},
        required: ["path", "startLine", "endLine"], additionalProperties: false}},
    {name: "listDirectory", params: {type: "object", properties: {path: {type: "string"}}, additionalProperties: false}}
];

test("a call written as a JSON code block is found, nullable arguments left out set to null, and taken out of the text", () => {
    const text = "Let me look.\n```json\n{\n  \"name\": \"readFile\",\n  \"arguments\": {\"path\": \"src/index.ts\", \"startLine\": null}\n}\n```";
    const found = callsWrittenAsCodeBlocks(text, TOOLS);
    assert.deepEqual(found?.calls.map((c) => [c.functionName, c.params]), [["readFile", {path: "src/index.ts", startLine: null, endLine: null}]]);
    assert.equal(found?.textWithoutCalls, "Let me look.");
});

test("several calls in one block, or in an untagged block, are all found", () => {
    const found = callsWrittenAsCodeBlocks("```\n[{\"name\": \"listDirectory\", \"parameters\": {\"path\": \"src\"}}, {\"name\": \"readFile\", \"arguments\": {\"path\": \"a.ts\"}}]\n```", TOOLS);
    assert.deepEqual(found?.calls.map((c) => c.functionName), ["listDirectory", "readFile"]);
    assert.equal(found?.textWithoutCalls, "");
});

test("code that is not a valid call of an offered tool stays text", () => {
    for (const text of [
        "```json\n{\"name\": \"deleteEverything\", \"arguments\": {}}\n```",
        "```json\n{\"name\": \"readFile\", \"arguments\": {\"file\": \"a.ts\"}}\n```",
        "```json\n{\"name\": \"readFile\", \"arguments\": {\"path\": 42}}\n```",
        "```ts\nconst x = {name: \"readFile\"};\n```",
        "```json\n{\"version\": 1}\n```",
        "readFile({\"path\": \"a.ts\"})",
        "```json\n{not json\n```"
    ])
        assert.equal(callsWrittenAsCodeBlocks(text, TOOLS), undefined, text);
});

test("the history's last response text is replaced, or dropped when nothing is left", () => {
    const history: ChatHistoryItem[] = [{type: "user", text: "hi"}, {type: "model", response: ["before", "```json\n{}\n```"]}];
    assert.deepEqual(withLastResponseText(history, "Let me look."), [{type: "user", text: "hi"}, {type: "model", response: ["before", "Let me look."]}]);
    assert.deepEqual(withLastResponseText(history, ""), [{type: "user", text: "hi"}, {type: "model", response: ["before"]}]);
    assert.deepEqual(history[1], {type: "model", response: ["before", "```json\n{}\n```"]}, "the given history is not changed");
});

test("the emitter replaces the last text part and tells the listener", () => {
    const events: unknown[] = [];
    const emit = new TurnEmitter({role: "assistant", parts: []}, (e) => events.push(e));
    emit.text("```json {} ```");
    emit.endText();
    emit.replaceLastText("");
    assert.deepEqual(emit.turn.parts, [{type: "text", text: ""}]);
    assert.deepEqual(events.at(-1), {type: "part", index: 0, part: {type: "text", text: ""}});
});
