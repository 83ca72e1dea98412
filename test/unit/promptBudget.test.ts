import {test} from "node:test";
import assert from "node:assert/strict";
import type {RequestView} from "../../src/panel/protocol";
import {promptBudgetSummaries} from "../../webview/panel/tabs/promptBudgetCard";

function request(kind: "completion" | "chat", at: number, promptParts?: RequestView["promptParts"]): RequestView {
    return {
        at, kind, modelFileName: "m.gguf", ttftMs: 10, promptTokensPerSecond: null, tokensPerSecond: 1, promptTokensEvaluated: 1,
        promptTokensReused: 0, tokens: 1, totalMs: 20, joulesPerToken: null, ...(promptParts != null ? {promptParts} : {})
    };
}

test("the prompt budget card shows the last completion and the last assistant turn, each by part with its caps", () => {
    assert.deepEqual(promptBudgetSummaries([]), [], "nothing yet: nothing to draw");
    assert.deepEqual(promptBudgetSummaries([request("completion", 1)]), [], "a request that did not report its parts is skipped");
    const older = request("completion", 1, {tokens: {prefix: 1, suffix: 1}, caps: {}, countedBy: "tokenizer"});
    const completion = request("completion", 2, {
        tokens: {prefix: 300, suffix: 40, extraContext: 120, markers: 9}, caps: {prefix: 1024, suffix: 256, extraContext: 1024}, countedBy: "tokenizer"
    });
    const chat = request("chat", 3, {
        tokens: {system: 200, toolsSchema: 900, history: 1500, userMessage: 30}, caps: {}, totalCap: 3072, countedBy: "tokenizer",
        trimmed: "Left out to fit the prompt budget: 4 earlier turns."
    });
    const [c, a] = promptBudgetSummaries([older, completion, chat, request("completion", 4)]);
    assert.equal(c!.title, "Last completion");
    assert.equal(c!.total, 469);
    assert.equal(c!.totalCap, null);
    assert.deepEqual(c!.rows.map((r) => [r.part, r.tokens, r.cap]), [["extraContext", 120, 1024], ["prefix", 300, 1024], ["suffix", 40, 256], ["markers", 9, null]]);
    assert.equal(c!.trimmed, null);
    assert.match(c!.countedBy, /model's tokenizer/);
    assert.equal(a!.title, "Last assistant turn");
    assert.deepEqual([a!.total, a!.totalCap], [2630, 3072]);
    assert.deepEqual(a!.rows.map((r) => r.part), ["system", "toolsSchema", "history", "userMessage"]);
    assert.equal(a!.trimmed, "Left out to fit the prompt budget: 4 earlier turns.");
    const estimated = promptBudgetSummaries([request("completion", 5, {tokens: {prefix: 10}, caps: {}, countedBy: "estimate"})]);
    assert.match(estimated[0]!.countedBy, /estimated/, "a server's estimate says so");
});
