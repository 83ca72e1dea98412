import "../helpers/vscode/installVscodeStub";
import {beforeEach, test} from "node:test";
import assert from "node:assert/strict";
import {Config} from "../../src/config";
import {LlamaRuntime} from "../../src/engine/llamaRuntime";
import {ModelHost} from "../../src/engine/modelHost";
import {ModelController} from "../../src/models/modelController";
import type {ModelServices} from "../../src/models/modelServices";
import {switchQuantization, switchTo} from "../../src/models/switchQuantization";
import type {FitEstimate} from "../../src/quant/fit";
import {silentLogger} from "../../src/util/logger";
import {FakeLoader} from "../helpers/fakeModelLoader";
import {recordingLogger} from "../helpers/recordingLogger";
import {ConfigurationTarget, ui} from "../helpers/vscode/vscodeStub";

beforeEach(() => ui.reset());

/** A runtime without a llama.cpp backend: memory fit cannot be estimated (as on a machine where it fails). */
class NoBackendRuntime extends LlamaRuntime {
    override get(): ReturnType<LlamaRuntime["get"]> {
        return Promise.reject(new Error("no llama.cpp backend in unit tests"));
    }
}

const GIB = 2 ** 30;
const WONT_FIT: FitEstimate = {verdict: "none", gpuLayers: 0, totalLayers: 24, ramBytes: 8 * GIB, vramBytes: 0, freeRamBytes: 2 * GIB, freeVramBytes: 0};
const FITS_CPU: FitEstimate = {...WONT_FIT, verdict: "cpu", freeRamBytes: 16 * GIB};

/** Model services over a fake engine, with `/models/a.gguf` (Q8_0) loaded and named in the settings. */
async function servicesWithModelA() {
    const loader = new FakeLoader();
    const host = new ModelHost(loader, async () => ({gpu: "cpu", threads: 1, contextSize: 1024}));
    const log = recordingLogger();
    const services: ModelServices = {
        models: new ModelController(host, new Config(), log, () => ({dispose: () => undefined})),
        config: new Config(),
        runtime: new NoBackendRuntime(silentLogger),
        log,
        storageDir: "/nonexistent/storage"
    };
    const load = host.load("/models/a.gguf");
    await loader.loadsRequested(1);
    loader.pendingLoads[0]!.resolve({fileType: "Q8_0", loadMs: 100});
    await load;
    ui.settings.set("quantpilot.modelPath", "/models/a.gguf");
    return {loader, services, log};
}

test("a switch to a file that will not fit asks first; declining changes nothing", async () => {
    const {loader, services} = await servicesWithModelA();
    assert.equal(await switchTo(services, "/models/b.gguf", WONT_FIT), false);
    assert.deepEqual(ui.messages, [{
        severity: "warning", modal: true,
        text: "b.gguf will probably not fit: will not fit: needs 8.00 GB RAM (2.00 GB free).",
        detail: "Loading it may fail, or make the computer swap. A smaller quantization or a shorter context needs less memory.",
        actions: ["Unload Current Model, Then Load", "Try Anyway"]
    }]);
    assert.equal(loader.pendingLoads.length, 1, "nothing was loaded");
    assert.equal(loader.unloads, 0);
    assert.deepEqual(ui.settingWrites, [], "the setting still names the old model");
    assert.equal(services.models.model?.path, "/models/a.gguf");
    assert.deepEqual(ui.statusBar, []);
});

test("Try Anyway switches, and the new path is saved only once the load has worked", async () => {
    const {loader, services, log} = await servicesWithModelA();
    ui.answer = () => "Try Anyway";
    const switching = switchTo(services, "/models/b.gguf", WONT_FIT);
    await loader.loadsRequested(2);
    assert.equal(loader.unloads, 0, "the old model serves until the new one is ready");
    assert.deepEqual(ui.settingWrites, [], "not saved while loading");
    loader.pendingLoads[1]!.resolve({fileType: "Q4_K_M", loadMs: 120});
    assert.equal(await switching, true);
    assert.deepEqual(ui.settingWrites, [{key: "quantpilot.modelPath", value: "/models/b.gguf", target: ConfigurationTarget.Global}]);
    assert.equal(ui.statusBar.length, 1);
    assert.match(ui.statusBar[0]!, /^QuantPilot: now Q4_K_M \(\d+\.\d s\)$/);
    assert.ok(log.lines.some((l) => /^info: Switched from a\.gguf \(Q8_0\) to b\.gguf \(Q4_K_M\) in \d+ ms; loading the new model took 120 ms$/.test(l)), log.lines.join("\n"));
    assert.equal(services.models.model?.path, "/models/b.gguf");
});

test("Unload Current Model, Then Load frees the current model before loading", async () => {
    const {loader, services} = await servicesWithModelA();
    ui.answer = (message) => message.actions[0];
    const switching = switchTo(services, "/models/b.gguf", WONT_FIT);
    await loader.loadsRequested(2);
    const servingWhileLoading = services.models.model;
    assert.deepEqual([loader.unloads, servingWhileLoading], [1, undefined], "unloaded before the load started");
    loader.pendingLoads[1]!.resolve({fileType: "Q4_K_M", loadMs: 120});
    assert.equal(await switching, true);
    assert.equal(services.models.model?.path, "/models/b.gguf");
});

test("a failed switch says why, keeps the old model serving and leaves the setting alone", async () => {
    const {loader, services} = await servicesWithModelA();
    const switching = switchTo(services, "/models/b.gguf", FITS_CPU);
    await loader.loadsRequested(2);
    loader.pendingLoads[1]!.reject(new Error("b.gguf: unknown model architecture 'mamba9'"));
    assert.equal(await switching, false);
    assert.deepEqual(ui.messages.map((m) => [m.severity, m.text]), [["error", "b.gguf: unknown model architecture 'mamba9'"]]);
    assert.deepEqual(ui.settingWrites, []);
    assert.deepEqual(ui.statusBar, []);
    assert.equal(services.models.model?.path, "/models/a.gguf");
});

test("when the memory a file needs cannot be estimated, the switch goes ahead without asking", async () => {
    const {loader, services, log} = await servicesWithModelA();
    const switching = switchTo(services, "/models/b.gguf");
    await loader.loadsRequested(2);
    loader.pendingLoads[1]!.resolve({fileType: "Q4_K_M", loadMs: 120});
    assert.equal(await switching, true);
    assert.deepEqual(ui.messages, []);
    assert.ok(log.lines.includes("debug: Could not estimate the memory b.gguf needs: no llama.cpp backend in unit tests"));
    assert.equal(ui.settingWrites.length, 1);
});

test("Switch Quantization with no model loaded says to load one first", async () => {
    const {services} = await servicesWithModelA();
    await services.models.unload();
    await switchQuantization(services);
    assert.deepEqual(ui.texts(), ["Load a model first; QuantPilot then lists its other quantizations."]);
    assert.deepEqual(ui.quickPicks, []);
});
