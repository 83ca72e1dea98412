import {test} from "node:test";
import assert from "node:assert/strict";
import {parseWebviewMessage} from "../../src/assistant/protocol";

test("well-formed webview messages pass validation unchanged", () => {
    for (const message of [
        {type: "ready"}, {type: "stop"}, {type: "newChat"}, {type: "showHistory"}, {type: "selectModel"},
        {type: "send", text: "What does src/a.ts do?"},
        {type: "decide", callId: "c1", approve: true},
        {type: "review", callId: "c1"},
        {type: "copy", text: "npm test"}
    ])
        assert.deepEqual(parseWebviewMessage(message), message);
});

test("malformed or unknown messages are dropped", () => {
    for (const raw of [
        null, undefined, 42, "send", [], {}, {type: "eval", code: "x"},
        {type: "send"}, {type: "send", text: "   "}, {type: "send", text: 7},
        {type: "send", text: "x".repeat(100_001)},
        {type: "decide", callId: "c1"}, {type: "decide", callId: "c1", approve: "yes"}, {type: "decide", approve: true},
        {type: "review"}, {type: "copy", text: {}}
    ])
        assert.equal(parseWebviewMessage(raw), undefined, JSON.stringify(raw)?.slice(0, 80));
});

test("extra fields do not leak through", () => {
    assert.deepEqual(parseWebviewMessage({type: "stop", extra: "<script>"}), {type: "stop"});
    assert.deepEqual(parseWebviewMessage({type: "decide", callId: "c", approve: false, path: "/etc"}), {type: "decide", callId: "c", approve: false});
});
