import "../helpers/vscode/installVscodeStub";
import {beforeEach, test, type TestContext} from "node:test";
import assert from "node:assert/strict";
import {mkdtemp, readdir, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {AbReport, ModelSummary} from "../../src/ab/report/abReport";
import type {AbProgress, AbRunOptions} from "../../src/ab/runner/abRun";
import {AbService, type AbRequest} from "../../src/ab/vscode/abService";
import {Config, type SettingProblem} from "../../src/config";
import {LlamaRuntime} from "../../src/engine/llamaRuntime";
import {abortError} from "../../src/util/abort";
import {silentLogger} from "../../src/util/logger";
import {recordingLogger} from "../helpers/recordingLogger";
import {ui} from "../helpers/vscode/vscodeStub";

beforeEach(() => ui.reset());

function summary(fileType: string): ModelSummary {
    return {path: `/models/m-${fileType}.gguf`, fileName: `m-${fileType}.gguf`, fileType, sizeBytes: 1e9, bitsPerWeight: 4.9, parameters: 1e9};
}

function report(options: AbRunOptions): AbReport {
    return {
        version: 1, createdAt: "2026-11-26T10:00:00.000Z", durationSeconds: 30,
        machine: {cpu: "Test CPU", cores: 2, memoryBytes: 8e9, gpu: null},
        settings: {window: options.window ?? 512, budgetSeconds: options.budgetSeconds ?? null, metrics: ["quality"], texts: ["built-in corpus"],
            seed: 1, threads: options.threads, backend: "cpu"},
        reference: {model: summary("F16"), label: options.referenceLabel ?? "F16", speed: null, memory: null, energy: null, cachedWindows: 0},
        candidates: [{model: summary("Q4_K_M"), quality: null, tasks: null, speed: null, memory: null, energy: null, verdict: "Q4_K_M: close to the reference"}],
        notes: []
    };
}

/** A comparison runner whose runs finish when the test says so. */
class FakeRunner {
    readonly runs: Array<{options: AbRunOptions; finish(): void}> = [];

    readonly run = (options: AbRunOptions): Promise<AbReport> => new Promise((resolve, reject) => {
        options.signal?.addEventListener("abort", () => reject(abortError("The A/B comparison was cancelled")), {once: true});
        this.runs.push({options, finish: () => resolve(report(options))});
    });
}

const REQUEST: AbRequest = {
    referencePath: "/models/m-F16.gguf", referenceLabel: "F16", candidatePaths: ["/models/m-Q4_K_M.gguf"], texts: [], notes: ["skipped x.bin: it looks binary"]
};

async function serviceWith(t: TestContext) {
    const storageDir = await mkdtemp(join(tmpdir(), "qp-ab-service-"));
    t.after(() => rm(storageDir, {recursive: true, force: true}));
    const runner = new FakeRunner();
    const problems: SettingProblem[] = [];
    const log = recordingLogger();
    const runtime = new LlamaRuntime(silentLogger);
    const service = new AbService({runtime, config: new Config((p) => problems.push(p)), log, storageDir}, runner.run);
    t.after(() => service.dispose());
    let changes = 0;
    service.onDidChange(() => changes++);
    return {service, runner, problems, log, runtime, storageDir, changes: () => changes};
}

test("a comparison runs with the settings read through Config, bad values replaced by their defaults", async (t) => {
    const {service, runner, problems, runtime, storageDir} = await serviceWith(t);
    ui.settings.set("quantpilot.ab.window", 5);
    ui.settings.set("quantpilot.ab.budgetSeconds", 0);
    ui.settings.set("quantpilot.gpu", "cpu");
    ui.settings.set("quantpilot.threads", 1);
    ui.settings.set("quantpilot.contextSize", 8192);
    const running = service.run(REQUEST, new AbortController().signal);
    const {options} = runner.runs[0]!;
    assert.deepEqual({...options, signal: undefined, onProgress: undefined}, {
        referencePath: "/models/m-F16.gguf", referenceLabel: "F16", candidatePaths: ["/models/m-Q4_K_M.gguf"], texts: [],
        notes: ["skipped x.bin: it looks binary"], runtime, gpu: "cpu", threads: 1, window: 512, budgetSeconds: null,
        completionContextSize: 4096, cacheDir: join(storageDir, "ab-cache"), signal: undefined, onProgress: undefined
    }, "window 5 is below the minimum, so 512; budget 0 means none; the completion context is capped at 4096");
    assert.deepEqual(problems.map((p) => p.key), ["quantpilot.ab.window"], "the bad value is reported, once");
    runner.runs[0]!.finish();
    await running;
});

test("progress reaches the caller and the panel's state; the finished run is saved in the history", async (t) => {
    const {service, runner, log, storageDir, changes} = await serviceWith(t);
    const seen: AbProgress[] = [];
    const running = service.run(REQUEST, new AbortController().signal, (p) => seen.push(p));
    assert.deepEqual(service.runState, {kind: "running", progress: {message: "Starting\u2026", fraction: 0, secondsLeft: null, complete: false}, candidates: ["/models/m-Q4_K_M.gguf"]});
    assert.equal(service.isRunning, true);
    const halfway: AbProgress = {message: "Scoring windows", fraction: 0.5, secondsLeft: 40, complete: true};
    runner.runs[0]!.options.onProgress!(halfway);
    assert.deepEqual(seen, [halfway]);
    assert.deepEqual(service.runState, {kind: "running", progress: halfway, candidates: ["/models/m-Q4_K_M.gguf"]});
    runner.runs[0]!.finish();
    const {entry, report: saved} = await running;
    assert.deepEqual(entry, {id: "20261126-100000-m-F16", createdAt: "2026-11-26T10:00:00.000Z", reference: "m-F16.gguf",
        candidates: ["m-Q4_K_M.gguf"], verdicts: ["Q4_K_M: close to the reference"]});
    assert.deepEqual(await service.history.list(), [entry]);
    assert.deepEqual(await service.history.load(entry.id), saved);
    assert.deepEqual(await readdir(join(storageDir, "ab-history")), [`${entry.id}.json`]);
    assert.ok(log.lines.includes("info: A/B comparison saved as 20261126-100000-m-F16: Q4_K_M: close to the reference"));
    assert.deepEqual([service.runState, service.isRunning], [{kind: "idle"}, false]);
    assert.equal(changes(), 3, "started, progressed, finished");
});

test("one comparison at a time: a second is refused while the first runs on", async (t) => {
    const {service, runner} = await serviceWith(t);
    const first = service.run(REQUEST, new AbortController().signal);
    await assert.rejects(service.run(REQUEST, new AbortController().signal),
        {message: "An A/B comparison is already running. Wait for it, or cancel it, before starting another."});
    assert.equal(runner.runs.length, 1);
    assert.equal(runner.runs[0]!.options.signal?.aborted, false, "the first is untouched");
    runner.runs[0]!.finish();
    await first;
    const second = service.run(REQUEST, new AbortController().signal);
    runner.runs[1]!.finish();
    await second;
    assert.equal((await service.history.list()).length, 2, "once the first has finished, the next one runs");
});

test("Cancel (the panel's button or the caller's signal) stops the run and saves nothing", async (t) => {
    const {service, runner} = await serviceWith(t);
    const fromPanel = service.run(REQUEST, new AbortController().signal);
    service.cancel();
    await assert.rejects(fromPanel, (err: Error) => err.name === "AbortError");
    assert.deepEqual([service.runState, service.isRunning], [{kind: "idle"}, false]);
    const caller = new AbortController();
    const fromCaller = service.run(REQUEST, caller.signal);
    caller.abort();
    await assert.rejects(fromCaller, (err: Error) => err.name === "AbortError");
    assert.equal(runner.runs[1]!.options.signal?.aborted, true);
    assert.deepEqual(await service.history.list(), [], "a cancelled run leaves no history");
    service.cancel(); // nothing running: nothing happens
});

test("removing a saved comparison deletes its file and tells the panel", async (t) => {
    const {service, runner, changes} = await serviceWith(t);
    const running = service.run(REQUEST, new AbortController().signal);
    runner.runs[0]!.finish();
    const {entry} = await running;
    const before = changes();
    await service.remove(entry.id);
    assert.deepEqual(await service.history.list(), []);
    assert.equal(changes(), before + 1);
});
