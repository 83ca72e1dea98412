import {after, test} from "node:test";
import assert from "node:assert/strict";
import {CompletionService} from "../../src/completion/completionService";
import {splitCursorText} from "../../src/completion/cursorText";
import {languageSyntaxFor} from "../../src/completion/languageSyntax";
import {finishSuggestion} from "../../src/completion/postProcess";
import type {LocalEngine} from "../../src/engine/localEngine";
import {isAbortError} from "../../src/util/abort";
import {silentLogger} from "../../src/util/logger";
import {lastJsonLine, runCli} from "../helpers/cli";
import {completer, newTestEngine, testRuntime, TEST_LOAD_OPTIONS} from "../helpers/engine";
import {testModel} from "../helpers/testModels";

const ABOVE = "import math\n\n\ndef area(r):\n    return math.pi * r * r\n\n\ndef add(a, b):\n";
const BELOW = "\n\n\ndef sub(a, b):\n    return a - b\n\n\nprint(add(1, 2), sub(3, 4), area(2.0))\n";

after(async () => {
    await testRuntime().dispose();
});

async function engine(): Promise<LocalEngine> {
    const e = newTestEngine();
    await e.load(await testModel("tiny"), TEST_LOAD_OPTIONS);
    return e;
}

test("typing on a line evaluates only the new tokens; llama-server's PSM order evaluates the suffix again", async () => {
    const e = await engine();
    for (const layout of ["psm-volatile-after-middle", "psm"] as const) {
        await completer(e).complete({prefix: ABOVE + "    return a", suffix: BELOW, maxTokens: 2, layout});
        const typed = await completer(e).complete({prefix: ABOVE + "    return a +", suffix: BELOW, maxTokens: 2, layout});
        if (layout === "psm")
            assert.ok(typed.promptTokensEvaluated > 20, `psm evaluated ${typed.promptTokensEvaluated}`);
        else
            assert.ok(typed.promptTokensEvaluated <= 4, `${layout} evaluated ${typed.promptTokensEvaluated}`);
        assert.equal(typed.promptTokensEvaluated + typed.promptTokensReused, typed.promptTokens);
    }
    await e.dispose();
});

test("pressing Enter keeps the suffix cached while the anchor stays", async () => {
    const e = await engine();
    const line = "    total = a + b";
    const before = splitCursorText(ABOVE + line, BELOW);
    const afterEnter = splitCursorText(ABOVE + line + "\n    ", BELOW);
    assert.equal(afterEnter.stable, before.stable, "this line is not an anchor (the test text was picked so)");
    await completer(e).complete({prefix: ABOVE + line, suffix: BELOW, maxTokens: 2});
    const next = await completer(e).complete({prefix: ABOVE + line + "\n    ", suffix: BELOW, maxTokens: 2});
    assert.ok(next.promptTokensEvaluated <= 6, `evaluated ${next.promptTokensEvaluated} of ${next.promptTokens}`);
    await e.dispose();
});

test("a warm-up evaluates the stable part, so the keystroke after a jump evaluates only the current line", async () => {
    const e = await engine();
    await completer(e).complete({prefix: "x = 1\n", suffix: "", maxTokens: 2});
    const warm = await completer(e).warm({prefix: ABOVE + "    ret", suffix: BELOW});
    assert.ok(warm.promptTokensEvaluated > 20);
    const typed = await completer(e).complete({prefix: ABOVE + "    retu", suffix: BELOW, maxTokens: 2});
    assert.ok(typed.promptTokensEvaluated <= 6, `evaluated ${typed.promptTokensEvaluated}`);
    await e.dispose();
});

test("stopping early once the suggestion is decided gives the text a full generation would give", async () => {
    const e = await engine();
    const cases = [
        {prefix: ABOVE + "    ", suffix: BELOW, fileName: "a.py"},
        {prefix: "function f() {\n", suffix: "\n}\n", fileName: "a.ts"},
        {prefix: ABOVE + "    return add(", suffix: ")" + BELOW, fileName: "a.py"}
    ];
    let stoppedEarly = 0;
    for (const c of cases) {
        const fast = await completer(e).complete({...c, maxTokens: 24});
        const full = await completer(e).complete({...c, maxTokens: 24, raw: true});
        const text = splitCursorText(c.prefix, c.suffix);
        assert.equal(fast.text, finishSuggestion(full.text, {text, syntax: languageSyntaxFor(c.fileName), specialTexts: []}));
        if (fast.stopReason === "decided")
            stoppedEarly++;
    }
    assert.ok(stoppedEarly >= 1, "at least one case stops early");
    await e.dispose();
});

test("an aborted idle-time request leaves the cache consistent: the next request gives the fresh answer", async () => {
    const e = await engine();
    const request = {prefix: ABOVE + "    return a", suffix: BELOW, maxTokens: 16};
    const reference = await completer(e).complete(request);
    const controller = new AbortController();
    const background = completer(e).complete({prefix: ABOVE + "    x = [", suffix: "]" + BELOW, maxTokens: 200, background: true, signal: controller.signal});
    setTimeout(() => controller.abort(), 3);
    await assert.rejects(background, (err) => isAbortError(err));
    const again = await completer(e).complete(request);
    assert.equal(again.text, reference.text);
    const fresh = await engine();
    assert.equal((await completer(fresh).complete(request)).text, reference.text, "same as a model that never saw the aborted request");
    await Promise.all([e.dispose(), fresh.dispose()]);
});

test("several suggestions when asked: distinct, the greedy one first", async () => {
    const e = await engine();
    const request = {prefix: ABOVE + "    return a", suffix: BELOW, maxTokens: 12};
    const single = await completer(e).complete(request);
    const several = await completer(e).complete({...request, count: 3});
    assert.equal(several.suggestions[0], single.text);
    assert.ok(several.suggestions.length >= 2, `got ${several.suggestions.length}`);
    assert.equal(new Set(several.suggestions).size, several.suggestions.length);
    await e.dispose();
});

test("the CLI prints exactly the suggestion the editor's completion service shows", async () => {
    const e = await engine();
    const service = new CompletionService(completer(e), () => ({maxTokens: 16, debounceMs: 0, alternatives: 3, prefetch: false}), silentLogger);
    const prefix = ABOVE + "    return a";
    const shown = await service.suggest({documentKey: "file:///w/calc.py", line: 8, prefix, suffix: BELOW, fileName: "calc.py", repoName: "w"});
    assert.ok(shown != null && shown.texts.length === 1 && shown.texts[0]!.length > 0);
    const cli = await runCli(["complete", await testModel("tiny"), "--prefix", prefix, "--suffix", BELOW, "--file-name", "calc.py",
        "--repo-name", "w", "--max-tokens", "16", "--threads", "1", "--context", "1024", "--json"]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(lastJsonLine(cli).text, shown.texts[0]);
    service.dispose();
    await e.dispose();
});
