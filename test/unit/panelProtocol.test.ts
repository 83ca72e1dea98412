import {test} from "node:test";
import assert from "node:assert/strict";
import {parseWebviewMessage} from "../../src/panel/webviewMessages";
import {makeNonce, webviewPage} from "../../src/vscodeUtil/webviewPage";

test("well-formed webview messages pass, with only their known fields", () => {
    assert.deepEqual(parseWebviewMessage({type: "ready"}), {ok: true, message: {type: "ready"}});
    assert.deepEqual(parseWebviewMessage({type: "switchModel", path: "/models/a.gguf", extra: {evil: true}}),
        {ok: true, message: {type: "switchModel", path: "/models/a.gguf"}});
    for (const type of ["quantize", "refreshVariants", "openSettings", "showLog"])
        assert.deepEqual(parseWebviewMessage({type}), {ok: true, message: {type}});
});

test("malformed or unexpected webview messages are refused with a reason", () => {
    const refused: Array<[unknown, RegExp]> = [
        [null, /expected an object, got null/],
        [undefined, /expected an object, got undefined/],
        ["ready", /expected an object, got "ready"/],
        [[{type: "ready"}], /expected an object, got an array/],
        [{}, /unknown message type undefined/],
        [{type: 42}, /unknown message type number/],
        [{type: "deleteEverything"}, /unknown message type "deleteEverything"/],
        [{type: "toString"}, /unknown message type "toString"/],
        [{type: "__proto__"}, /unknown message type/],
        [{type: "switchModel"}, /switchModel needs a non-empty path/],
        [{type: "switchModel", path: ""}, /non-empty path/],
        [{type: "switchModel", path: 7}, /non-empty path/],
        [{type: "switchModel", path: ["/a.gguf"]}, /non-empty path/],
        [{type: "switchModel", path: "/a.gguf\0/etc/passwd"}, /non-empty path/],
        [{type: "switchModel", path: "x".repeat(5000)}, /non-empty path/]
    ];
    for (const [raw, reason] of refused) {
        const parsed = parseWebviewMessage(raw);
        assert.equal(parsed.ok, false, JSON.stringify(raw)?.slice(0, 60));
        if (!parsed.ok)
            assert.match(parsed.reason, reason);
    }
});

test("a long unknown type is cut short in the reason that gets logged", () => {
    const parsed = parseWebviewMessage({type: "x".repeat(1000)});
    assert.ok(!parsed.ok && parsed.reason.length < 80);
});

test("the panel page allows only its own resources and its nonce'd script", () => {
    const nonce = makeNonce();
    assert.match(nonce, /^[0-9a-f]{32}$/);
    assert.notEqual(makeNonce(), nonce, "a fresh nonce per page");
    const html = webviewPage({
        cspSource: "https://file+.vscode-resource.vscode-cdn.net",
        nonce,
        scriptUri: "https://file+.vscode-resource.vscode-cdn.net/ext/dist/panel.js",
        styleUris: ["https://file+.vscode-resource.vscode-cdn.net/ext/dist/panel.css?a=1&b=\"2\""],
        title: "QuantPilot",
        body: "<main id=\"app\"></main>"
    });
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    assert.ok(csp != null);
    const directives = new Map(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
    assert.deepEqual(directives.get("default-src"), ["'none'"]);
    assert.deepEqual(directives.get("script-src"), [`'nonce-${nonce}'`]);
    assert.deepEqual(directives.get("style-src"), ["https://file+.vscode-resource.vscode-cdn.net"]);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]!);
    assert.equal(scripts.length, 1, "one script, no inline ones");
    assert.match(scripts[0]!, new RegExp(`nonce="${nonce}" src="https://file\\+\\.vscode-resource[^"]+/dist/panel\\.js"`));
    assert.match(html, /panel\.css\?a=1&amp;b=&quot;2&quot;"/, "URIs are escaped in attributes");
    assert.doesNotMatch(html, /style="/, "no inline style attributes (the policy would block them)");
});
