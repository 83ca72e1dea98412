import {test} from "node:test";
import assert from "node:assert/strict";
import type {HardwareSnapshot, Reading} from "../../src/hardware/hardwareSnapshot";
import type {ModelDescription} from "../../src/engine/modelDescription";
import type {RequestMetrics} from "../../src/engine/requestMetrics";
import {hardwareView, historyPoint, measuredWatts, modelView, pushBounded, requestView, settledSwitchView} from "../../src/panel/panelViews";
import type {HostMessage, PanelState} from "../../src/panel/protocol";
import {applyHostMessage, HISTORY_POINTS} from "../../webview/panel/panelStore";

const missing: Reading<never> = {status: "unavailable", note: "not available on this machine"};

function snapshot(parts: Partial<HardwareSnapshot> = {}): HardwareSnapshot {
    return {
        takenAt: 10_000,
        cpu: {status: "ok", value: {totalPercent: 25, perCorePercent: [50, 0], model: "CPU"}, at: 10_000, stale: false},
        memory: {status: "ok", value: {totalBytes: 1000, usedBytes: 250, availableBytes: 750, swapTotalBytes: 0, swapUsedBytes: 0}, at: 10_000, stale: false},
        gpus: missing, temperature: missing, battery: missing, power: missing,
        process: {status: "ok", value: {rssBytes: 1, heapUsedBytes: 1, cpuPercent: 3}, at: 10_000, stale: false},
        ...parts
    };
}

const request: RequestMetrics = {
    at: 11_000, kind: "completion", modelFileName: "m.gguf", ttftMs: 100, promptTokensPerSecond: 1000,
    tokensPerSecond: 50, promptTokensEvaluated: 100, promptTokensReused: 900, tokens: 20, totalMs: 500
};

test("a chart point has the figures a snapshot has, and null (not 0) for missing sensors", () => {
    assert.deepEqual(historyPoint(snapshot()), {t: 10, cpuPercent: 25, memoryPercent: 25, gpuPercent: null, processCpuPercent: 3});
    const waiting = historyPoint(snapshot({cpu: {status: "waiting"}, memory: {status: "disabled", note: "x"}}));
    assert.equal(waiting.cpuPercent, null);
    assert.equal(waiting.memoryPercent, null);
});

test("energy per token needs a power reading taken around the request", () => {
    assert.equal(requestView(request, snapshot()).joulesPerToken, null, "no power sensor: no energy figure");
    const powered = snapshot({
        power: {status: "ok", value: {packageWatts: 30, zones: []}, at: 10_000, stale: false},
        gpus: {status: "ok", value: [{name: "G", vendor: "NVIDIA", loadPercent: 1, vramTotalBytes: 1, vramUsedBytes: 1, temperatureC: null, powerWatts: 10}], at: 10_000, stale: false}
    });
    assert.equal(measuredWatts(powered), 40);
    assert.equal(requestView(request, powered).joulesPerToken, 1, "40 W for 0.5 s over 20 tokens");
    assert.equal(requestView({...request, at: 60_000}, powered).joulesPerToken, null, "an old reading says nothing");
    assert.equal(requestView({...request, tokens: 0}, powered).joulesPerToken, null);
    const battery = snapshot({battery: {status: "ok", value: {percent: 50, charging: false, acConnected: false, dischargeWatts: 8, minutesRemaining: 60}, at: 1, stale: false}});
    assert.equal(measuredWatts(battery), 8, "a laptop's discharge rate stands in when nothing else is known");
});

test("a hardware sample reaches the panel as plain data, without the RAPL zones behind the package figure", () => {
    const power = {status: "ok", value: {packageWatts: 30, zones: [{name: "package-0", watts: 30}]}, at: 10_000, stale: true} as const;
    const view = hardwareView(snapshot({power}));
    assert.deepEqual(view.power, {status: "ok", value: {packageWatts: 30}, at: 10_000, stale: true});
    assert.deepEqual(view.cpu, snapshot().cpu);
    assert.deepEqual(hardwareView(snapshot({power: missing})).power, missing, "a missing sensor keeps its reason");
    assert.deepEqual(JSON.parse(JSON.stringify(view)), view);
});

test("the model view follows the controller's state", () => {
    assert.deepEqual(modelView({kind: "none"}), {kind: "none"});
    assert.deepEqual(modelView({kind: "loading", path: "/m/a-Q4_K_M.gguf"}), {kind: "loading", fileName: "a-Q4_K_M.gguf"});
    assert.deepEqual(modelView({kind: "failed", path: "C:\\m\\b.gguf", message: "gone"}), {kind: "failed", fileName: "b.gguf", message: "gone"});
});

test("a failed switch says which model is still loaded, from the state it settled in", () => {
    const serving = {path: "/m/a-Q8_0.gguf", fileName: "a-Q8_0.gguf"} as ModelDescription;
    const target = "/m/a-F16.gguf";
    const failure = {path: target, message: "the file does not exist"};
    assert.equal(settledSwitchView(target, {kind: "loading", path: target, previous: serving}, failure), undefined, "not settled while loading");
    assert.deepEqual(settledSwitchView(target, {kind: "ready", model: serving}, failure),
        {kind: "failed", fileName: "a-F16.gguf", message: "the file does not exist", stillLoaded: "a-Q8_0.gguf"});
    assert.deepEqual(settledSwitchView(target, {kind: "failed", path: target, message: "x"}, failure),
        {kind: "failed", fileName: "a-F16.gguf", message: "the file does not exist", stillLoaded: null});
    assert.deepEqual(settledSwitchView(target, {kind: "ready", model: {...serving, path: target}}, undefined), {kind: "idle"});
    assert.deepEqual(settledSwitchView(target, {kind: "ready", model: serving}, {path: "/m/other.gguf", message: "x"}), {kind: "idle"}, "another load's failure");
});

test("bounded lists drop the oldest", () => {
    const list = [1, 2, 3];
    pushBounded(list, 4, 3);
    assert.deepEqual(list, [2, 3, 4]);
});

function state(): PanelState {
    return {
        sampleIntervalMs: 1000, hardware: null, history: [], model: {kind: "none"}, memory: null, requests: [],
        variants: {kind: "noModel"}, switching: {kind: "idle"}, quantize: {available: true, reason: null},
        ab: {running: null, history: [], selected: null}, lora: {known: [], busy: null, failure: null}
    };
}

test("the webview ignores changes until it has the full state, then applies each", () => {
    const hw: HostMessage = {type: "hardware", snapshot: snapshot(), point: historyPoint(snapshot()), memory: null};
    assert.deepEqual(applyHostMessage(undefined, hw), {state: undefined, change: undefined});
    let s = applyHostMessage(undefined, {type: "state", state: state()}).state!;
    s = applyHostMessage(s, hw).state!;
    assert.equal(s.hardware?.takenAt, 10_000);
    assert.equal(s.history.length, 1);
    const switching = applyHostMessage(s, {type: "switching", switching: {kind: "failed", fileName: "a.gguf", message: "Not enough memory", stillLoaded: "b.gguf"}});
    assert.equal(switching.change, "switching");
    assert.deepEqual(switching.state!.switching, {kind: "failed", fileName: "a.gguf", message: "Not enough memory", stillLoaded: "b.gguf"});
    assert.equal(applyHostMessage(s, {type: "settings", sampleIntervalMs: 500}).state!.sampleIntervalMs, 500);
    const unknown = applyHostMessage(s, {type: "surprise"} as unknown as HostMessage);
    assert.equal(unknown.change, undefined, "an unknown message changes nothing");
});

test("the webview's chart history stays bounded", () => {
    let s = state();
    for (let i = 0; i < HISTORY_POINTS + 30; i++)
        s = applyHostMessage(s, {type: "hardware", snapshot: snapshot(), point: {...historyPoint(snapshot()), t: i}, memory: null}).state!;
    assert.equal(s.history.length, HISTORY_POINTS);
    assert.equal(s.history[0]!.t, 30);
});
