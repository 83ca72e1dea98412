import {test} from "node:test";
import assert from "node:assert/strict";
import {describeChatError} from "../../src/engine/chat/chatErrors";
import {assistantSystemPrompt} from "../../src/engine/chat/assistantPrompt";
import {toChatFunctions} from "../../src/engine/chat/chatFunctions";
import {BUILTIN_TOOLS} from "../../src/tools/builtinTools";

test("chat failures read as what to do, not as stack traces", () => {
    const overflow = new Error("The default context shift strategy did not return a history that fits the context size.");
    assert.match(describeChatError(overflow, 4096), /do not fit in the model's context \(4096 tokens\)\. Start a new chat, or raise the quantpilot\.contextSize setting\./);
    const badCall = Object.assign(new Error("Expected function call params for function \"readFile\" to not be empty"), {callText: ""});
    assert.match(describeChatError(badCall, 4096), /^The model made a tool call that could not be read \(Expected function call params/);
    assert.equal(describeChatError(new Error("benefit of the doubt"), 4096), "The model stopped with an error: benefit of the doubt");
    assert.equal(describeChatError("plain string", 1), "The model stopped with an error: plain string");
});

test("the schemas given to the grammar keep every property but drop words the grammar does not need", () => {
    const functions = toChatFunctions(BUILTIN_TOOLS);
    assert.deepEqual(Object.keys(functions), BUILTIN_TOOLS.map((t) => t.name));
    assert.deepEqual(functions.readFile!.params, {
        type: "object",
        properties: {
            path: {type: "string", description: "Path relative to the workspace"},
            startLine: {type: ["integer", "null"], description: "First line, or null"},
            endLine: {type: ["integer", "null"], description: "Last line, or null"}
        }
    });
    assert.equal(functions.getEditorContext!.params, undefined);
    const freeForm = toChatFunctions([{name: "x", description: "d", params: {type: "object", properties: {}, required: [], additionalProperties: true}}]);
    assert.deepEqual(freeForm.x!.params, {type: "object", properties: {}, additionalProperties: true}, "free-form objects stay free-form");
});

test("the system prompt names the folders and says whether tools are available and why not", () => {
    const withTools = assistantSystemPrompt({folders: ["web", "api"], tools: {available: true}});
    assert.match(withTools, /workspace folders are "web", "api"/);
    assert.match(withTools, /Use the tools to look at files/);
    const without = assistantSystemPrompt({folders: [], tools: {available: false, reason: "the workspace is in Restricted Mode"}});
    assert.match(without, /No folder is open/);
    assert.match(without, /no tools in this chat \(the workspace is in Restricted Mode\)/);
    assert.doesNotMatch(without, /Use the tools/);
});
