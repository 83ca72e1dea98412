import {test} from "node:test";
import assert from "node:assert/strict";
import {abNotes} from "../../src/ab/runner/abNotes";
import {CHUNK_LINES, extraContextChunks} from "../../src/ab/runner/extraContextPhase";
import {describeExtraContext, extraContextFigure, type ExtraContextRow} from "../../src/ab/stats/extraContext";
import {heldOutLines} from "../../src/ab/stats/fimTask";

const numbered = (name: string, n: number) => Array.from({length: n}, (_x, i) => `${name}_line_${i} = compute(${i})`).join("\n");

test("extra context is what the context ring would offer: other files' middles, then this file above the prompt, never the held-out line", () => {
    const sources = [{name: "a.py", text: numbered("a", 200)}, {name: "b.ts", text: numbered("b", 10)}];
    const items = heldOutLines(sources, {count: 1000});
    const deep = items.find((i) => i.id === "a.py:151")!;
    const chunks = extraContextChunks(deep, sources);
    assert.deepEqual(chunks.map((c) => c.fileName), ["b.ts", "a.py"], "other files first (older), this file last (newest: kept first)");
    assert.equal(chunks[0]!.text, numbered("b", 10), "a short file whole");
    const own = chunks[1]!.text.split("\n");
    assert.equal(own.length, CHUNK_LINES);
    assert.equal(own.at(-1), "a_line_110 = compute(110)", "ends 40 lines above the cursor line (150)");
    for (const item of items)
        assert.ok(extraContextChunks(item, sources).every((c) => !c.text.includes(item.expected)), `${item.id}: the answer is not in the context`);
    const shallow = items.find((i) => i.id === "a.py:11")!;
    assert.deepEqual(extraContextChunks(shallow, sources).map((c) => c.fileName), ["b.ts"], "near the top, nothing of this file is out of the prompt");
});

test("the figure pairs the same lines: tokens and time it costs beside the exact match it buys", () => {
    const row = (i: number, exactWithout: boolean, exactWith: boolean): ExtraContextRow => ({
        id: `f:${i}`, exactWithout, exactWith, promptTokensWithout: 200, promptTokensWith: 1000, extraTokens: 780,
        secondsWithout: 1 + i / 100, secondsWith: 3 + i / 100
    });
    const rows = [row(0, false, true), row(1, false, true), row(2, true, true), row(3, false, false), row(4, true, false), row(5, false, true)];
    const f = extraContextFigure(rows);
    assert.equal(f.n, 6);
    assert.equal(f.extraTokens, 780);
    assert.deepEqual(f.promptTokens, {without: 200, with: 1000});
    assert.ok(Math.abs(f.secondsDifference.difference - 2) < 1e-9);
    assert.ok(f.timeRatio > 2.5 && f.timeRatio < 3);
    assert.deepEqual([f.exactMatch.referenceRate, f.exactMatch.candidateRate], [2 / 6, 4 / 6]);
    assert.deepEqual(f.exactMatch.flips, {rightToWrong: 1, wrongToRight: 3});
    const line = describeExtraContext(f);
    assert.match(line, /^extra context: \+780 prompt tokens, 2\.\d\d× the time per line \(\+2\.00 s, 95 % CI 2\.00 to 2\.00\) for FIM exact match 33 % → 67 % \(\+33 pp, 95 % CI .* pp, n = 6\)$/);
    const notes = abNotes({notes: [], metrics: ["tasks"], windows: 0, used: 0, windowSize: 512, streamTokens: 0, budget: null, hasFim: true,
        memoryPlan: undefined, speed: undefined, extraContext: f});
    assert.ok(notes.some((n) => n.startsWith("Prompt budget: the reference on the first 6 FIM lines") && n.includes(line)));
    const skipped = abNotes({notes: [], metrics: ["tasks"], windows: 0, used: 0, windowSize: 512, streamTokens: 0, budget: null, hasFim: true,
        memoryPlan: undefined, speed: undefined, extraContext: "the reference has no repo-level FIM tokens"});
    assert.ok(skipped.includes("Extra context: not measured, the reference has no repo-level FIM tokens."));
});
