import {test} from "node:test";
import assert from "node:assert/strict";
import {pickFastest, planThreads, probeCandidates} from "../../src/threads/decideThreads";

const AUTO = {threads: 0, prompt: 0, decode: 0};
const MEASURED_AT = "2026-11-26T05:00:00.000Z";

test("without settings or measurements, prompts use every core and decoding leaves one to the JS thread", () => {
    const plan = planThreads({settings: AUTO, cores: 2});
    assert.deepEqual({prompt: plan.prompt, decode: plan.decode}, {prompt: 2, decode: 1});
    assert.match(plan.why.decode, /JS thread/);
    assert.deepEqual(plan.candidates, {prompt: [1, 2], decode: [1, 2]});
    assert.deepEqual(plan.notes, []);
});

test("the extension host keeps a core for the editor, and then a 2-core machine has nothing to measure", () => {
    const plan = planThreads({settings: AUTO, cores: 2, headroom: 1});
    assert.deepEqual({prompt: plan.prompt, decode: plan.decode}, {prompt: 1, decode: 1});
    assert.match(plan.why.prompt, /keeping 1 for the editor/);
    assert.deepEqual(plan.candidates, {prompt: [], decode: []});
});

test("on 8 cores with headroom the candidates stay within the 7 usable cores", () => {
    const plan = planThreads({settings: AUTO, cores: 8, headroom: 1});
    assert.equal(plan.prompt, 7);
    assert.ok(plan.candidates.prompt.every((n) => n >= 1 && n <= 7) && plan.candidates.prompt.includes(7));
    assert.ok(plan.candidates.decode.includes(1) && plan.candidates.decode.every((n) => n <= 7));
    assert.ok(plan.candidates.decode.length <= 4);
});

test("a thread setting larger than the cores is clamped, with a note naming the setting", () => {
    const plan = planThreads({settings: {threads: 64}, cores: 4, headroom: 1});
    assert.deepEqual({prompt: plan.prompt, decode: plan.decode}, {prompt: 4, decode: 4});
    assert.deepEqual(plan.notes, ["quantpilot.threads = 64 is more than the 4 physical cores; clamped to 4"]);
    assert.deepEqual(plan.candidates, {prompt: [], decode: []}, "a fixed setting is not probed");
});

test("a phase's own setting wins over the general one, which still sets the other phase", () => {
    const plan = planThreads({settings: {threads: 3, decode: 1}, cores: 4});
    assert.deepEqual({prompt: plan.prompt, decode: plan.decode}, {prompt: 3, decode: 1});
    assert.equal(plan.why.decode, "set by quantpilot.decodeThreads");
    assert.equal(plan.why.prompt, "set by quantpilot.threads");
});

test("the notes use the names the caller gives (CLI flags)", () => {
    const plan = planThreads({settings: {threads: 0, prompt: 9}, cores: 2, names: {threads: "--threads", prompt: "--prompt-threads", decode: "--decode-threads"}});
    assert.deepEqual(plan.notes, ["--prompt-threads = 9 is more than the 2 physical cores; clamped to 2"]);
});

test("invalid thread values are ignored with a note, not used", () => {
    const plan = planThreads({settings: {threads: -3, prompt: 1.5}, cores: 2});
    assert.deepEqual({prompt: plan.prompt, decode: plan.decode}, {prompt: 2, decode: 1});
    assert.equal(plan.notes.length, 2);
    assert.ok(plan.notes.every((n) => /not a whole number of threads; ignored/.test(n)));
});

test("a measurement is used when it fits the usable cores, and ignored when it does not", () => {
    const measured = {prompt: 2, decode: 2, measuredAt: MEASURED_AT};
    const fits = planThreads({settings: AUTO, cores: 2, measured});
    assert.deepEqual({prompt: fits.prompt, decode: fits.decode}, {prompt: 2, decode: 2});
    assert.match(fits.why.decode, /measured fastest on this machine \(2026-11-26\)/);
    const tooMany = planThreads({settings: AUTO, cores: 2, headroom: 1, measured});
    assert.deepEqual({prompt: tooMany.prompt, decode: tooMany.decode}, {prompt: 1, decode: 1});
    const overridden = planThreads({settings: {threads: 0, decode: 1}, cores: 2, measured});
    assert.equal(overridden.decode, 1, "a setting beats a measurement");
});

test("probe candidates: none for one usable core, at most four, always within range", () => {
    assert.deepEqual(probeCandidates(1, "prompt"), []);
    assert.deepEqual(probeCandidates(2, "decode"), [1, 2]);
    for (const usable of [3, 5, 16, 64])
        for (const phase of ["prompt", "decode"] as const) {
            const c = probeCandidates(usable, phase);
            assert.ok(c.length >= 1 && c.length <= 4, `${phase} ${usable}: ${c}`);
            assert.ok(c.every((n) => Number.isInteger(n) && n >= 1 && n <= usable));
            assert.deepEqual(c, [...c].sort((a, b) => a - b));
        }
    assert.ok(probeCandidates(16, "prompt").includes(16));
    assert.ok(probeCandidates(16, "decode").includes(1));
});

test("the fastest count wins, but fewer threads win a near tie", () => {
    assert.equal(pickFastest([{threads: 1, tokensPerSecond: 300}, {threads: 2, tokensPerSecond: 90}])?.threads, 1);
    assert.equal(pickFastest([{threads: 1, tokensPerSecond: 100}, {threads: 2, tokensPerSecond: 190}])?.threads, 2);
    assert.equal(pickFastest([{threads: 2, tokensPerSecond: 100}, {threads: 4, tokensPerSecond: 102}])?.threads, 2);
    assert.equal(pickFastest([{threads: 2, tokensPerSecond: 100}, {threads: 4, tokensPerSecond: 102}], 0)?.threads, 4);
    assert.equal(pickFastest([]), undefined);
});
