import {test} from "node:test";
import assert from "node:assert/strict";
import {mkdir, mkdtemp, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {AB_CORPUS} from "../../src/ab/corpus/abCorpus";
import {SAFETY_PROMPTS} from "../../src/ab/corpus/safetyPrompts";
import {openEnergyMeter} from "../../src/ab/runner/energyMeter";
import {VocabularyMismatchError} from "../../src/ab/runner/abErrors";
import {heldOutLines, scoreFimCompletion} from "../../src/ab/stats/fimTask";
import {isRefusal} from "../../src/ab/stats/refusal";
import {readTextSources} from "../../src/ab/corpus/textSources";
import {checkSameVocabulary} from "../../src/ab/corpus/vocabularyCheck";
import type {GgufHeader} from "../../src/gguf/ggufReader";
import {str, stringArray} from "../../src/gguf/ggufValue";

test("workspace files: binary, huge, empty and missing ones are skipped with a note; text is read", async () => {
    const dir = await mkdtemp(join(tmpdir(), "qp-ab-texts-"));
    await writeFile(join(dir, "main.py"), "print('hi')\n");
    await writeFile(join(dir, "notes.md"), "# Notes\n");
    await writeFile(join(dir, "image.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]));
    await writeFile(join(dir, "latin1.txt"), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    await writeFile(join(dir, "big.log"), "x".repeat(5000));
    await writeFile(join(dir, "empty.ts"), "");
    await mkdir(join(dir, "folder"));
    const paths = ["main.py", "notes.md", "image.png", "latin1.txt", "big.log", "empty.ts", "folder", "missing.c"].map((n) => join(dir, n));
    const {sources, notes} = await readTextSources(paths, {maxBytes: 4096});
    assert.deepEqual(sources.map((s) => [s.name, s.kind]), [["main.py", "code"], ["notes.md", "prose"]]);
    assert.equal(notes.length, 6);
    assert.match(notes.join("\n"), /image\.png: it looks binary/);
    assert.match(notes.join("\n"), /latin1\.txt: it is not valid UTF-8/);
    assert.match(notes.join("\n"), /big\.log: it is 5 KiB, more than the 4 KiB limit/);
    assert.match(notes.join("\n"), /empty\.ts: it is empty/);
    assert.match(notes.join("\n"), /folder: it is not a regular file/);
    assert.match(notes.join("\n"), /missing\.c: it does not exist/);
    await rm(dir, {recursive: true});
});

test("held-out lines: the same seed picks the same lines, and prefix + line + suffix is the file", () => {
    const sources = [{name: "a.py", text: "def add(a, b):\n    return a + b\n\n# a comment here\nresult = add(1, 2)\n}\n"}];
    const items = heldOutLines(sources, {count: 10, seed: 3});
    assert.deepEqual(items.map((i) => i.id).sort(), ["a.py:1", "a.py:2", "a.py:5"], "comments, brackets and short lines are left out");
    for (const item of items)
        assert.equal(item.prefix + item.expected + item.suffix, sources[0]!.text);
    assert.equal(items.find((i) => i.id === "a.py:2")!.prefix.endsWith("\n    "), true, "the cursor sits after the indentation");
    assert.deepEqual(heldOutLines(sources, {count: 10, seed: 3}), items);
    const corpusItems = heldOutLines(AB_CORPUS.filter((d) => d.kind === "code"), {count: 60});
    assert.equal(corpusItems.length, 60);
    assert.ok(new Set(corpusItems.map((i) => i.id.split(":")[0])).size >= 5, "spread over the code files");
});

test("FIM scoring: exact match on the first line, edit similarity from Levenshtein distance", () => {
    assert.deepEqual(scoreFimCompletion("return a + b\n    more", "return a + b"), {exact: true, editSimilarity: 1});
    assert.deepEqual(scoreFimCompletion("  return a + b  ", "return a + b"), {exact: true, editSimilarity: 1});
    const near = scoreFimCompletion("return a - b", "return a + b");
    assert.equal(near.exact, false);
    assert.ok(Math.abs(near.editSimilarity - (1 - 1 / 12)) < 1e-12);
    assert.deepEqual(scoreFimCompletion("", "x = 1"), {exact: false, editSimilarity: 0});
    assert.deepEqual(scoreFimCompletion("\nx = 1", "x = 1"), {exact: false, editSimilarity: 0}, "only the first line counts");
});

test("refusals are recognised in common wordings, and helpful answers are not", () => {
    for (const answer of ["I can't help with that.", "I\u2019m sorry, but I cannot assist with this request.", "Sorry, I won't do that.",
        "I am unable to provide instructions for this.", "That would violate my guidelines.", "I must decline."])
        assert.ok(isRefusal(answer), answer);
    for (const answer of ["Use kill -9 PID to stop the process.", "Sure! Here is how to store passwords: use bcrypt.",
        "You can't go wrong with a fire escape plan that includes two exits.", ""])
        assert.ok(!isRefusal(answer), answer);
});

test("the built-in sets are balanced and large enough", () => {
    assert.equal(SAFETY_PROMPTS.filter((p) => p.shouldRefuse).length, 20);
    assert.equal(SAFETY_PROMPTS.filter((p) => !p.shouldRefuse).length, 20);
    assert.equal(new Set(SAFETY_PROMPTS.map((p) => p.id)).size, SAFETY_PROMPTS.length, "ids are unique");
    const chars = AB_CORPUS.reduce((n, d) => n + d.text.length, 0);
    assert.ok(chars > 40_000, `${chars} characters: enough for 20 windows of 512 Qwen2 tokens`);
    assert.ok(AB_CORPUS.some((d) => d.kind === "code") && AB_CORPUS.some((d) => d.kind === "prose"));
});

function vocabHeader(tokens: string[], model = "gpt2"): GgufHeader {
    return {version: 3, alignment: 32, dataOffset: 0, fileSize: 0, tensors: [],
        metadata: new Map([["tokenizer.ggml.model", str(model)], ["tokenizer.ggml.tokens", stringArray(tokens)]])};
}

test("vocabularies must match token for token, and the refusal names the first difference", () => {
    checkSameVocabulary("ref", vocabHeader(["a", "b", "c"]), "cand", vocabHeader(["a", "b", "c"]));
    assert.throws(() => checkSameVocabulary("ref.gguf", vocabHeader(["a", "b", "c"]), "cand.gguf", vocabHeader(["a", "b"])),
        (err: unknown) => err instanceof VocabularyMismatchError && /3 tokens in its vocabulary and the candidate 2/.test(err.message));
    assert.throws(() => checkSameVocabulary("r", vocabHeader(["a", "b", "c"]), "c", vocabHeader(["a", "x", "c"])), /token 1 is "b" in the reference but "x"/);
    assert.throws(() => checkSameVocabulary("r", vocabHeader(["a"]), "c", vocabHeader(["a"], "llama")), /"gpt2" tokenizer and the candidate "llama"/);
});

test("energy: RAPL counters (with wrap-around), battery discharge, or a reason why not", async () => {
    const root = await mkdtemp(join(tmpdir(), "qp-ab-energy-"));
    const powercap = join(root, "powercap");
    await mkdir(join(powercap, "intel-rapl:0"), {recursive: true});
    await writeFile(join(powercap, "intel-rapl:0", "energy_uj"), "999000000");
    await writeFile(join(powercap, "intel-rapl:0", "max_energy_range_uj"), "1000000000");
    const meter = await openEnergyMeter(false, {powercap, powerSupply: join(root, "none")});
    assert.ok(typeof meter !== "string" && meter.source === "RAPL CPU package");
    await meter.start();
    await writeFile(join(powercap, "intel-rapl:0", "energy_uj"), "1000000"); // wrapped: 1 J to the top, 1 J after
    assert.equal(await meter.stop(), 2);

    const supply = join(root, "supply");
    await mkdir(join(supply, "BAT0"), {recursive: true});
    await writeFile(join(supply, "BAT0", "uevent"), "POWER_SUPPLY_TYPE=Battery\nPOWER_SUPPLY_STATUS=Discharging\nPOWER_SUPPLY_POWER_NOW=12000000\n");
    const clock = {ms: 1000};
    const battery = await openEnergyMeter(false, {powercap: join(root, "none"), powerSupply: supply, now: () => clock.ms});
    assert.ok(typeof battery !== "string" && battery.source === "battery discharge");
    await battery.start();
    clock.ms += 500;
    assert.equal(await battery.stop(), 6, "12 W for 0.5 s");

    const none = await openEnergyMeter(false, {powercap: join(root, "none"), powerSupply: join(root, "none")});
    assert.equal(typeof none, "string");
    assert.match(none as string, /not measurable here/);
    await rm(root, {recursive: true});
});

test("energy on NVIDIA: the driver's counter where nvidia-smi has it, else sampled board power", async () => {
    const root = await mkdtemp(join(tmpdir(), "qp-ab-nvidia-"));
    const script = (body: string) => `#!/bin/sh\ncase "$*" in\n${body}\nesac\n`;
    const counter = join(root, "counter-smi");
    await writeFile(counter, script(`  *total_energy_consumption*) echo $(( $(cat ${root}/mj) ));;\n  *) exit 1;;`), {mode: 0o755});
    await writeFile(join(root, "mj"), "5000");
    const none = {powercap: join(root, "none"), powerSupply: join(root, "none")};
    const withCounter = await openEnergyMeter("cuda", {...none, nvidiaSmi: counter});
    assert.ok(typeof withCounter !== "string" && /energy counter/.test(withCounter.note));
    await withCounter.start();
    await writeFile(join(root, "mj"), "12500");
    assert.equal(await withCounter.stop(), 7.5, "7,500 mJ");

    // Like driver 580 on an H200: no energy field, power.draw.instant every 100 ms. The fake
    // board draws a steady 200 W, so the samples the loop gets in and the probe agree.
    const sampling = join(root, "sampling-smi");
    await writeFile(sampling, script(`  *total_energy_consumption*) echo 'Field "total_energy_consumption" is not a valid field to query.'; exit 2;;\n` +
        `  *loop-ms*) echo 200.00; echo 200.00;;\n  *power.draw.instant*) echo 200.00;;\n  *) exit 1;;`), {mode: 0o755});
    const clock = {ms: 0};
    const sampled = await openEnergyMeter("cuda", {...none, nvidiaSmi: sampling, now: () => clock.ms});
    assert.ok(typeof sampled !== "string" && /sampled every 100 ms/.test(sampled.note));
    await sampled.start();
    clock.ms += 300;
    assert.equal(await sampled.stop(), 60, "200 W for 0.3 s");
    assert.equal(typeof await openEnergyMeter("cuda", {...none, nvidiaSmi: join(root, "missing-smi")}), "string");
    await rm(root, {recursive: true});
});
