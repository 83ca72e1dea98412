import {test} from "node:test";
import assert from "node:assert/strict";
import {mkdtemp, readdir, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {AbHistory} from "../../src/ab/report/abHistory";
import {abJson} from "../../src/ab/report/abJson";
import {abMarkdown} from "../../src/ab/report/abMarkdown";
import {abTable} from "../../src/ab/report/abTable";
import type {AbReport, CandidateResult, ReferenceResult, SpeedMetrics} from "../../src/ab/report/abReport";
import {chartSeries} from "../../src/ab/report/chartSeries";
import {pairedBinary, pairedScores} from "../../src/ab/stats/pairedOutcomes";
import type {QualityMetrics} from "../../src/ab/stats/qualityMetrics";
import {verdictLine} from "../../src/ab/stats/verdict";
import {abResultView} from "../../src/panel/panelViews";

const model = (fileType: string, sizeBytes: number, bitsPerWeight: number) =>
    ({path: `/m/model-${fileType}.gguf`, fileName: `model-${fileType}.gguf`, fileType, sizeBytes, bitsPerWeight, parameters: 1e9});

const speed = (tg: [number, number, number]): SpeedMetrics => ({
    ppTokensPerSecond: {median: 500, min: 480, max: 520, n: 3},
    tgTokensPerSecond: {median: tg[1], min: tg[0], max: tg[2], n: 3},
    ttftMs: {median: 200, min: 190, max: 230, n: 3},
    promptTokens: 1024, generatedTokens: 128, ttftPromptTokens: 1020, threads: 4, interleaved: true, decodeCeiling: null
});

const quality: QualityMetrics = {
    windows: 20, tokensScored: 5100,
    kld: {mean: 0.031, median: 0.012, p99: 0.41, max: 2.2, ci95: [0.027, 0.035]},
    sameTop1: {rate: 0.92, ci95: [0.91, 0.93]},
    ppl: {reference: 8.1, candidate: 8.3, lnRatio: 0.0244, lnRatioCi95: [0.02, 0.029]},
    deltaP: {p1: -0.12, median: -0.0004, p99: 0.09, rms: 0.04},
    kldMethod: {kind: "exact"}
};

function report(): AbReport {
    const reference: ReferenceResult = {model: model("F16", 3.1e9, 16), label: "F16", speed: speed([9, 10, 11]), memory: null,
        energy: {status: "not measurable", note: "no counter"}, cachedWindows: 0};
    const same = Array.from({length: 60}, (_, i) => i % 4 === 0);
    const partial: Omit<CandidateResult, "verdict"> = {
        model: model("Q4_K_M", 1e9, 4.9),
        quality,
        tasks: {
            fim: {n: 60, exactMatch: pairedBinary(same, same), editSimilarity: pairedScores(same.map(Number), same.map(Number))},
            safety: null,
            functionCalling: {status: "not available", note: "no case set"}
        },
        speed: speed([23, 24, 25]),
        memory: {fileBytes: 1e9, bitsPerWeight: 4.9, weightsBytes: 9.9e8, kvCacheBytes: 5e7, contextTokens: 1024, rssDeltaBytes: 1.1e9, vramDeltaBytes: null},
        energy: {status: "measured", joulesPerToken: {median: 0.5, min: 0.4, max: 0.6, n: 3}, source: "RAPL CPU package", note: "package"}
    };
    return {
        version: 1, createdAt: "2026-11-26T10:00:00.000Z", durationSeconds: 61,
        machine: {cpu: "Test CPU", cores: 8, memoryBytes: 16e9, gpu: null},
        settings: {window: 512, budgetSeconds: 60, metrics: ["quality", "tasks", "speed"], texts: ["built-in corpus"], seed: 1, threads: 4, backend: "cpu"},
        reference,
        candidates: [{...partial, verdict: verdictLine(reference, partial)}],
        notes: ["a note"]
    };
}

test("the verdict is one line in plain words with intervals and sample sizes", () => {
    assert.equal(report().candidates[0]!.verdict,
        "Q4_K_M: 3.1\u00d7 smaller, 2.4\u00d7 faster decoding, KLD 0.0310 [0.0270, 0.0350], same top token 92.0 % " +
        "(close to the reference) \u2014 FIM exact match unchanged (inconclusive, n=60)");
    const r = report();
    const slower = verdictLine(r.reference, {...r.candidates[0]!, speed: speed([9.5, 10.2, 10.8])});
    assert.match(slower, /decoding speed within noise \(n=3\)/, "overlapping ranges are not called faster");
    const worse = verdictLine(r.reference, {...r.candidates[0]!, tasks: {
        fim: {n: 60, exactMatch: pairedBinary(Array(60).fill(true), Array.from({length: 60}, (_, i) => i % 2 === 0)),
            editSimilarity: pairedScores([1], [1])}, safety: null, functionCalling: {status: "not available", note: ""}}});
    assert.match(worse, /FIM exact match down 50\.0 points \[\u2212\d+\.\d, \u2212\d+\.\d\] \(n=60, McNemar p=/);
});

test("the JSON carries the issue's fields, rates as fractions, speeds as medians with ranges", () => {
    const json = abJson(report()) as {reference: Record<string, unknown>; candidates: Array<Record<string, unknown>>};
    assert.deepEqual(Object.keys(json.reference).slice(0, 2), ["model", "path"]);
    assert.equal(json.reference.sizeBytes, 3.1e9);
    const c = json.candidates[0]!;
    for (const key of ["model", "sizeBytes", "bitsPerWeight", "tokensScored", "kld", "sameTop1", "ppl", "deltaP", "tasks", "speed", "memory"])
        assert.ok(key in c, key);
    assert.deepEqual(c.kld, {...quality.kld, method: {kind: "exact"}});
    assert.equal((c.sameTop1 as {rate: number}).rate, 0.92);
    assert.deepEqual(Object.keys(c.ppl as object).slice(0, 3), ["reference", "candidate", "lnRatio"]);
    assert.deepEqual(Object.keys(c.deltaP as object).slice(0, 3), ["p1", "median", "p99"]);
    const s = c.speed as Record<string, unknown>;
    assert.equal(s.tgTokensPerSecond, 24);
    assert.equal(s.ppTokensPerSecond, 500);
    assert.equal(s.ttftMs, 200);
    assert.deepEqual((s.ranges as Record<string, unknown>).tgTokensPerSecond, [23, 25]);
    assert.equal(s.repetitions, 3);
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(json)));
});

test("the Markdown export has verdicts, a side-by-side table and the notes", () => {
    const md = abMarkdown(report());
    assert.match(md, /^# Quantization A\/B: model-F16\.gguf/);
    assert.match(md, /\|\s+\| F16 \(reference\) \| Q4_K_M \|/);
    assert.match(md, /\| Mean KLD \(nats\) \[95 % CI\] \| 0 \| 0\.0310 \[0\.0270, 0\.0350\] \|/);
    assert.match(md, /\| Decode t\/s \(tg128\) \| 10\.0 \[9\.00\u201311\.0\] n=3 \| 24\.0 \[23\.0\u201325\.0\] n=3 \|/);
    assert.match(md, /Energy per generated token \| not measurable here \| 0\.500 \[0\.400\u20130\.600\] n=3 J \(RAPL CPU package\)/);
    assert.match(md, /Function calling \| not available \| not available/);
    assert.match(md, /- a note/);
});

test("chart series put the reference at zero divergence and every point with its interval", () => {
    const series = chartSeries(report());
    assert.deepEqual(series.kldVsSize.map((p) => [p.label, p.value, p.isReference]), [["F16", 0, true], ["Q4_K_M", 0.031, false]]);
    assert.deepEqual([series.kldVsSize[1]!.low, series.kldVsSize[1]!.high], [0.027, 0.035]);
    assert.deepEqual(series.tgVsSize.map((p) => [p.sizeBytes, p.value, p.low, p.high]), [[3.1e9, 10, 9, 11], [1e9, 24, 23, 25]]);
});

test("history saves, lists newest first, loads, removes, and skips damaged files", async () => {
    const dir = await mkdtemp(join(tmpdir(), "qp-ab-history-"));
    const history = new AbHistory(dir);
    assert.deepEqual(await history.list(), [], "a missing folder is an empty history");
    const first = await history.save(report());
    const second = await history.save({...report(), createdAt: "2026-11-27T09:00:00.000Z"});
    const twin = await history.save(report());
    assert.notEqual(twin.id, first.id, "the same time and model still get separate files");
    await writeFile(join(dir, "broken.json"), "{not json");
    const listed = await history.list();
    assert.deepEqual(listed.map((e) => e.id).slice(0, 1), [second.id]);
    assert.equal(listed.length, 3);
    assert.deepEqual(listed[0]!.candidates, ["model-Q4_K_M.gguf"]);
    assert.match(listed[0]!.verdicts[0]!, /^Q4_K_M: /);
    assert.deepEqual(await history.load(first.id), report());
    await history.remove(first.id);
    assert.equal((await history.list()).length, 2);
    await assert.rejects(history.load("../etc/passwd"), RangeError);
    assert.ok(!(await readdir(dir)).some((n) => n.endsWith(".tmp")));
    await rm(dir, {recursive: true});
});

test("the panel's A/B tab gets a report as plain data: verdicts, the table's cells and the chart points", () => {
    const r = report();
    const view = abResultView("20261126-100000-model", r);
    assert.deepEqual(view.verdicts, [r.candidates[0]!.verdict]);
    assert.deepEqual(view.reference, {fileName: "model-F16.gguf", label: "F16"});
    assert.deepEqual(view.table, abTable(r), "the same rows as the Markdown export");
    assert.deepEqual(view.kldVsSize.map((p) => [p.label, p.value, p.isReference]), [["F16", 0, true], ["Q4_K_M", 0.031, false]]);
    assert.deepEqual(view.tgVsSize.map((p) => [p.low, p.value, p.high]), [[9, 10, 11], [23, 24, 25]]);
    assert.deepEqual(view.notes, ["a note"]);
    assert.deepEqual(JSON.parse(JSON.stringify(view)), view, "nothing is lost on the way through postMessage");
});
