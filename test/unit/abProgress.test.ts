import {test} from "node:test";
import assert from "node:assert/strict";
import {AB_CORPUS} from "../../src/ab/corpus/abCorpus";
import {AbProgressReporter, timeLeftText, type AbProgress} from "../../src/ab/runner/abProgress";
import {joinedText, runTexts} from "../../src/ab/runner/abInputs";

/** A reporter on a clock the test moves by hand (no real time passes). */
function reporter(metrics: Array<"quality" | "tasks" | "speed">, models: number) {
    let now = 0;
    const seen: AbProgress[] = [];
    const r = new AbProgressReporter(metrics, models, (p) => seen.push(p), () => now);
    return {r, seen, advance: (seconds: number) => now += seconds * 1000, last: () => seen[seen.length - 1]!};
}

test("the time left follows the measured time per window, for the reference and every candidate still to come", () => {
    const {r, advance, last} = reporter(["quality"], 2);
    r.note("Loading reference");
    assert.equal(last().secondsLeft, null, "nothing measured yet, nothing promised");
    advance(10);
    r.step("quality", 0, 1, 4, "Reference: window 1 of 4");
    // 1 of 8 windows (4 per model, 2 models) took 10 s: 7 more take about 70 s.
    assert.equal(last().secondsLeft, 70);
    assert.equal(last().complete, true);
    assert.equal(timeLeftText(last()), "about 70 s left");
    advance(10);
    r.step("quality", 0, 2, 4, "Reference: window 2 of 4");
    advance(40); // a slow window: the estimate follows the mean pace
    r.step("quality", 0, 3, 4, "Reference: window 3 of 4");
    assert.equal(last().secondsLeft, 60 / 3 * 5);
    assert.equal(timeLeftText(last()), "about 2 min left");
});

test("cached reference windows take no time and do not make the candidates look free", () => {
    const {r, advance, last} = reporter(["quality"], 2);
    for (let w = 1; w <= 4; w++)
        r.step("quality", 0, w, 4, `Reference: window ${w} of 4`, true);
    assert.equal(last().secondsLeft, null, "only cached windows so far");
    advance(30);
    r.step("quality", 1, 1, 4, "candidate: window 1 of 4");
    assert.equal(last().secondsLeft, 90, "three candidate windows at 30 s each");
});

test("while asked-for phases have not started, the time left is a lower bound and says so", () => {
    const {r, advance, last} = reporter(["quality", "speed"], 2);
    advance(5);
    r.step("quality", 0, 1, 2, "Reference: window 1 of 2");
    assert.equal(last().complete, false);
    assert.equal(timeLeftText(last()), "more than 15 s left");
    assert.equal(timeLeftText({secondsLeft: 3 * 3600 + 600, complete: true}), "about 3 h 10 min left");
    r.done();
    assert.deepEqual(last(), {message: "Done", fraction: 1, secondsLeft: 0, complete: true});
});

test("given texts replace the built-in corpus; the corpus is scored only when no text is given", () => {
    const mine = [{name: "inventory.py", text: "def f():\n    return 1\n", kind: "code" as const}];
    assert.deepEqual(runTexts(mine), {texts: mine, names: ["inventory.py"]});
    assert.deepEqual(runTexts(mine, true).texts, mine, "asking for the corpus does not add it to given texts");
    const builtIn = runTexts([]);
    assert.equal(builtIn.texts.length, AB_CORPUS.length);
    assert.deepEqual(builtIn.names, ["built-in corpus"]);
    assert.deepEqual(runTexts([], false).texts, [], "nothing to score: the run then says how much text a window needs");
    // One file is read as llama-perplexity's -f reads it: its one final newline dropped.
    assert.equal(joinedText(mine), "def f():\n    return 1");
    assert.equal(joinedText([...mine, {name: "b.md", text: "text\n\n", kind: "prose"}]), "def f():\n    return 1\n\n\ntext\n");
});
