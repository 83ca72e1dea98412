import {test} from "node:test";
import assert from "node:assert/strict";
import {measurementsOf} from "../../src/ab/vscode/abMeasurements";
import {referenceLabel, suggestReference} from "../../src/ab/vscode/referenceChoice";
import type {AbReport} from "../../src/ab/report/abReport";
import {parseWebviewMessage} from "../../src/panel/webviewMessages";
import type {PanelState} from "../../src/panel/protocol";
import {applyHostMessage} from "../../webview/panel/panelStore";

const variant = (fileType: string | undefined, bitsPerWeight: number) => ({path: `/m/${fileType ?? "x"}.gguf`, fileName: `${fileType ?? "x"}.gguf`, fileType, bitsPerWeight});

test("the reference is the unquantized file when there is one, else the highest precision, labelled as quantized", () => {
    const withF16 = [variant("Q4_K_M", 4.9), variant("F16", 16), variant("Q8_0", 8.5)];
    assert.deepEqual(suggestReference(withF16), {choice: withF16[1], label: "F16: the unquantized model"});
    assert.equal(suggestReference([variant("BF16", 16), variant("F32", 32)])!.choice.fileType, "F32", "F32 outranks BF16 and F16");
    const quantizedOnly = [variant("Q4_K_M", 4.9), variant("Q8_0", 8.5), variant("Q2_K", 2.9)];
    const suggested = suggestReference(quantizedOnly)!;
    assert.equal(suggested.choice.fileType, "Q8_0");
    assert.match(suggested.label, /highest precision on disk .*itself quantized/);
    assert.equal(suggestReference([]), undefined);
    assert.equal(referenceLabel(quantizedOnly[1]!, suggested.choice), "Q8_0: the highest precision on disk");
    assert.match(referenceLabel(quantizedOnly[0]!, suggested.choice), /chosen as the reference .*itself quantized/);
    assert.equal(referenceLabel(withF16[1]!, undefined), "F16: the unquantized model");
});

test("the quantization list gets each file's perplexity and decode speed from a report", () => {
    const spread = (median: number) => ({median, min: median, max: median, n: 3});
    const speed = (tg: number) => ({ppTokensPerSecond: spread(1), tgTokensPerSecond: spread(tg), ttftMs: spread(1), promptTokens: 1, generatedTokens: 128,
        ttftPromptTokens: 1, threads: 1, interleaved: true, decodeCeiling: null});
    const report = {
        reference: {model: {path: "/m/F16.gguf"}, speed: speed(10)},
        candidates: [{model: {path: "/m/Q4.gguf"}, quality: {ppl: {reference: 8, candidate: 8.4}}, speed: speed(25)},
            {model: {path: "/m/Q2.gguf"}, quality: null, speed: null}]
    } as unknown as AbReport;
    const views = measurementsOf(report);
    assert.deepEqual(views.get("/m/F16.gguf"), {perplexity: 8, tokensPerSecond: 10});
    assert.deepEqual(views.get("/m/Q4.gguf"), {perplexity: 8.4, tokensPerSecond: 25});
    assert.deepEqual(views.get("/m/Q2.gguf"), {perplexity: null, tokensPerSecond: null}, "not measured stays null, never 0");
});

test("the panel accepts the A/B tab's messages only with valid ids and formats", () => {
    assert.deepEqual(parseWebviewMessage({type: "abCompare", extra: 1}), {ok: true, message: {type: "abCompare"}});
    assert.deepEqual(parseWebviewMessage({type: "abSelect", id: "20261126-100000-model"}), {ok: true, message: {type: "abSelect", id: "20261126-100000-model"}});
    assert.equal(parseWebviewMessage({type: "abSelect", id: "../../etc"}).ok, false);
    assert.equal(parseWebviewMessage({type: "abSelect"}).ok, false);
    assert.deepEqual(parseWebviewMessage({type: "abExport", id: "a", format: "markdown"}), {ok: true, message: {type: "abExport", id: "a", format: "markdown"}});
    assert.equal(parseWebviewMessage({type: "abExport", id: "a", format: "pdf"}).ok, false);
});

test("an A/B message changes only the A/B part of the webview's state", () => {
    const state = {ab: {running: null, history: [], selected: null}, sampleIntervalMs: 1000} as unknown as PanelState;
    const ab = {running: {message: "Reference: window 3", fraction: 0.2, timeLeft: "about 3 min left", candidates: ["/m/Q4.gguf"]}, history: [], selected: null};
    const result = applyHostMessage(state, {type: "ab", ab});
    assert.equal(result.change, "ab");
    assert.deepEqual(result.state!.ab, ab);
    assert.equal(result.state!.sampleIntervalMs, 1000);
});
