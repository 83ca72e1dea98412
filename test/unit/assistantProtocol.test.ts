import {test} from "node:test";
import assert from "node:assert/strict";
import {parseWebviewMessage} from "../../src/assistant/webviewMessages";

test("well-formed webview messages pass validation unchanged", () => {
    for (const message of [
        {type: "ready"}, {type: "stop"}, {type: "newChat"}, {type: "showHistory"}, {type: "selectModel"},
        {type: "send", text: "What does src/a.ts do?"},
        {type: "decide", callId: "c1", approve: true},
        {type: "review", callId: "c1"},
        {type: "copy", text: "npm test"}
    ])
        assert.deepEqual(parseWebviewMessage(message), {ok: true, message});
});

test("malformed or unknown messages are dropped with a reason", () => {
    for (const raw of [
        null, undefined, 42, "send", [], {}, {type: "eval", code: "x"}, {type: "toString"},
        {type: "send"}, {type: "send", text: "   "}, {type: "send", text: 7},
        {type: "send", text: "x".repeat(100_001)},
        {type: "decide", callId: "c1"}, {type: "decide", callId: "c1", approve: "yes"}, {type: "decide", approve: true},
        {type: "review"}, {type: "copy", text: {}}
    ]) {
        const parsed = parseWebviewMessage(raw);
        assert.equal(parsed.ok, false, JSON.stringify(raw)?.slice(0, 80));
        if (!parsed.ok)
            assert.ok(parsed.reason.length > 0 && parsed.reason.length < 120, parsed.reason);
    }
    const refused = (raw: unknown) => {
        const parsed = parseWebviewMessage(raw);
        return parsed.ok ? "" : parsed.reason;
    };
    assert.match(refused({type: "eval"}), /unknown message type "eval"/);
    assert.match(refused({type: "decide", callId: "c1", approve: "yes"}), /approve/);
    assert.match(refused([]), /expected an object, got an array/);
});

test("extra fields do not leak through", () => {
    assert.deepEqual(parseWebviewMessage({type: "stop", extra: "<script>"}), {ok: true, message: {type: "stop"}});
    assert.deepEqual(parseWebviewMessage({type: "decide", callId: "c", approve: false, path: "/etc"}), {ok: true, message: {type: "decide", callId: "c", approve: false}});
});
