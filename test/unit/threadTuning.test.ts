import "../helpers/vscode/installVscodeStub";
import {beforeEach, test} from "node:test";
import assert from "node:assert/strict";
import type {ModelDescription} from "../../src/engine/modelDescription";
import type {ThreadPlan, ThreadSettings} from "../../src/threads/decideThreads";
import type {ThreadTuningFacts, TuneOptions, TuneResult} from "../../src/threads/threadTuner";
import {ThreadTuning, type ThreadPlanner, type ThreadTuningEngine} from "../../src/threads/vscode/threadTuning";
import {abortError} from "../../src/util/abort";
import {describeModel} from "../helpers/fakeModelLoader";
import {recordingLogger} from "../helpers/recordingLogger";
import {ProgressLocation, ui} from "../helpers/vscode/vscodeStub";

beforeEach(() => ui.reset());

type TunableModel = Parameters<ThreadPlanner["tune"]>[0];

/** Stands in for node-llama-cpp's LlamaModel, which thread tuning only hands on to the tuner. */
const LLAMA_MODEL = {handle: "llama model"} as unknown as TunableModel;

const MODEL = describeModel("/models/a.gguf", {sizeBytes: 400 * 2 ** 20, runtime: {gpu: false, gpuLayers: 0, threads: 2, build: "prebuilt"}});

function plan(prompt: number, decode: number, notes: string[] = []): ThreadPlan {
    return {prompt, decode, notes, why: {prompt: "measured", decode: "measured"}, candidates: {prompt: [1, 2], decode: [1, 2]}};
}

/** An engine whose model the test loads and unloads. */
class FakeEngine implements ThreadTuningEngine {
    loaded: ThreadTuningEngine["loaded"];
    private readonly listeners = new Set<(model: ModelDescription | undefined) => void>();

    onDidChangeModel(listener: (model: ModelDescription | undefined) => void): {dispose(): void} {
        this.listeners.add(listener);
        return {dispose: () => this.listeners.delete(listener)};
    }

    load(description: ModelDescription): void {
        this.loaded = {description, model: LLAMA_MODEL};
        this.listeners.forEach((l) => l(description));
    }

    unload(): void {
        this.loaded = undefined;
        this.listeners.forEach((l) => l(undefined));
    }
}

/** A tuner whose measurements finish when the test says so. */
class FakeTuner implements ThreadPlanner {
    readonly plans: Array<{settings: ThreadSettings; facts: ThreadTuningFacts}> = [];
    readonly runs: Array<{model: TunableModel; settings: ThreadSettings; facts: ThreadTuningFacts; options: TuneOptions;
        finish(result: ThreadPlan): void; fail(err: Error): void}> = [];

    plan(settings: ThreadSettings, facts: ThreadTuningFacts): ThreadPlan {
        this.plans.push({settings, facts});
        return plan(3, 1);
    }

    tune(model: TunableModel, settings: ThreadSettings, facts: ThreadTuningFacts, options: TuneOptions = {}): Promise<TuneResult> {
        return new Promise((resolve, reject) => {
            options.signal?.addEventListener("abort", () => reject(abortError()), {once: true});
            this.runs.push({model, settings, facts, options, finish: (p) => resolve({plan: p}), fail: reject});
        });
    }
}

const SETTINGS: ThreadSettings = {threads: 0, prompt: 0, decode: 2};

function tuningWith() {
    const engine = new FakeEngine();
    const tuner = new FakeTuner();
    const log = recordingLogger();
    const tuning = new ThreadTuning(engine, () => SETTINGS, log, "/nonexistent/storage", tuner);
    return {engine, tuner, log, tuning};
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

test("a load gets its thread counts from the policy, for this model's size, build and GPU", () => {
    const {tuner, tuning} = tuningWith();
    assert.deepEqual(tuning.loadThreads({build: "prebuilt", gpu: false, modelBytes: 123}), {threads: 3, decodeThreads: 1});
    assert.deepEqual(tuner.plans, [{settings: SETTINGS, facts: {build: "prebuilt", gpu: false, modelBytes: 123}}]);
});

test("each loaded model is measured in the background, and the policy's notes are shown", async () => {
    const {engine, tuner, tuning} = tuningWith();
    engine.load(MODEL);
    assert.equal(tuner.runs.length, 1);
    const [run] = tuner.runs;
    assert.deepEqual([run!.model, run!.settings, run!.facts, run!.options.force],
        [LLAMA_MODEL, SETTINGS, {build: "prebuilt", gpu: false, modelBytes: 400 * 2 ** 20}, false], "measured only when nothing is known yet");
    assert.deepEqual(ui.progress, [], "no notification for the background measurement");
    run!.finish(plan(2, 1, ["quantpilot.decodeThreads 2 leaves no core for the editor"]));
    await settle();
    assert.deepEqual(ui.messages.map((m) => [m.severity, m.text]), [["warning", "QuantPilot: quantpilot.decodeThreads 2 leaves no core for the editor."]]);
    tuning.dispose();
});

test("a model change cancels the measurement under way, quietly", async () => {
    const {engine, tuner, log, tuning} = tuningWith();
    engine.load(MODEL);
    engine.unload();
    assert.equal(tuner.runs[0]!.options.signal?.aborted, true);
    await settle();
    assert.equal(tuner.runs.length, 1, "nothing to measure without a model");
    assert.deepEqual(ui.messages, []);
    assert.deepEqual(log.lines, ["info: Threads: measuring was cancelled; the counts in use stay as they are."]);
    engine.load(MODEL);
    assert.equal(tuner.runs.length, 2, "the next model is measured");
    tuning.dispose();
    assert.equal(tuner.runs[1]!.options.signal?.aborted, true, "disposing stops it too");
    engine.load(MODEL);
    assert.equal(tuner.runs.length, 2, "a disposed tuning no longer listens");
});

test("a measurement that fails keeps the counts in use and says why in the log only", async () => {
    const {engine, tuner, log, tuning} = tuningWith();
    engine.load(MODEL);
    tuner.runs[0]!.fail(new Error("the probe context could not be created"));
    await settle();
    assert.deepEqual(ui.messages, []);
    assert.deepEqual(log.lines, ["warn: Threads: measuring failed (the probe context could not be created); the counts in use stay as they are."]);
    tuning.dispose();
});

test("Measure Threads without a model says to load one first", async () => {
    const {tuner, tuning} = tuningWith();
    await tuning.measureNow();
    assert.deepEqual(ui.texts(), ["Load a model first: threads are measured on the model in use."]);
    assert.deepEqual(tuner.runs, []);
});

test("Measure Threads measures again with a cancellable notification and reports the counts", async () => {
    const {engine, tuner, tuning} = tuningWith();
    engine.load(MODEL);
    const background = tuner.runs[0]!;
    const measuring = tuning.measureNow();
    await settle();
    assert.equal(background.options.signal?.aborted, true, "the background measurement gives way");
    assert.deepEqual(ui.progress.map((p) => [p.title, p.location, p.cancellable]), [["QuantPilot: measuring thread counts", ProgressLocation.Notification, true]]);
    const run = tuner.runs[1]!;
    assert.equal(run.options.force, true, "measured even when a measurement is cached");
    run.finish({...plan(2, 1), why: {prompt: "fastest of 1/2", decode: "fastest of 1/2"}});
    await measuring;
    assert.deepEqual(ui.texts("information"), ["QuantPilot threads: prompt 2 (fastest of 1/2), decode 1 (fastest of 1/2)."]);
    tuning.dispose();
});

test("Cancel on the Measure Threads notification stops the probe and reports nothing", async () => {
    const {engine, tuner, log, tuning} = tuningWith();
    engine.load(MODEL);
    const measuring = tuning.measureNow();
    await settle();
    ui.progress[0]!.cancel();
    await measuring;
    assert.equal(tuner.runs[1]!.options.signal?.aborted, true);
    assert.deepEqual(ui.texts(), []);
    assert.ok(log.lines.at(-1)?.includes("measuring was cancelled"));
    tuning.dispose();
});
