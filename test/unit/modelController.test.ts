import "../helpers/vscode/installVscodeStub";
import {beforeEach, test} from "node:test";
import assert from "node:assert/strict";
import {unwatchFile, watchFile, type Stats} from "node:fs";
import {mkdtemp, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {Config} from "../../src/config";
import {ModelHost} from "../../src/engine/modelHost";
import {pollForDeletion} from "../../src/models/deletionWatch";
import {ModelController} from "../../src/models/modelController";
import {FakeLoader} from "../helpers/fakeModelLoader";
import {recordingLogger} from "../helpers/recordingLogger";
import {ProgressLocation, ui} from "../helpers/vscode/vscodeStub";

beforeEach(() => ui.reset());

/** The deletion watches the controller holds, by path; `deleted(path)` is the file going away. */
function fakeDeletionWatch() {
    const watches = new Map<string, () => void>();
    /** Every watch ever started, disposed or not: a poll already under way can still report. */
    const started: Array<{path: string; onDeleted: () => void}> = [];
    return {
        watches,
        watch: (path: string, onDeleted: () => void) => {
            watches.set(path, onDeleted);
            started.push({path, onDeleted});
            return {dispose: () => watches.delete(path)};
        },
        deleted: (path: string) => watches.get(path)?.(),
        lateReport: (path: string) => started.filter((w) => w.path === path).forEach((w) => w.onDeleted())
    };
}

function controllerWith() {
    const loader = new FakeLoader();
    const host = new ModelHost(loader, async () => ({gpu: "cpu", threads: 1, contextSize: 1024}));
    const log = recordingLogger();
    const files = fakeDeletionWatch();
    const controller = new ModelController(host, new Config(), log, files.watch);
    return {loader, host, log, files, controller};
}

/** Loads `path` through the controller and lets the fake loader finish it. */
async function loaded(c: ReturnType<typeof controllerWith>, path: string): Promise<void> {
    const load = c.controller.load(path, true);
    await c.loader.loadsRequested(c.loader.pendingLoads.length + 1);
    c.loader.pendingLoads.at(-1)!.resolve();
    assert.equal((await load)?.path, path);
}

test("a load shows a cancellable notification whose bar follows the weights being read", async () => {
    const c = controllerWith();
    const load = c.controller.load("/models/qwen-q4.gguf", true);
    await c.loader.loadsRequested(1);
    const [progress] = ui.progress;
    assert.deepEqual([progress?.title, progress?.location, progress?.cancellable], ["QuantPilot: loading qwen-q4.gguf", ProgressLocation.Notification, true]);
    for (const fraction of [0.25, 0.5, 0.504, 1])
        c.loader.pendingLoads[0]!.progress(fraction);
    c.loader.pendingLoads[0]!.resolve();
    assert.equal((await load)?.path, "/models/qwen-q4.gguf");
    assert.deepEqual(progress!.reports.map((r) => r.increment), [25, 25, 0, 50], "whole percents, adding up to 100");
    assert.equal(progress!.done, true);
    assert.deepEqual(ui.messages, [], "a load that works says nothing more");
    assert.equal(c.controller.state.kind, "ready");
});

test("Cancel on the notification stops the load quietly; the previous model keeps serving", async () => {
    const c = controllerWith();
    await loaded(c, "/models/a.gguf");
    const load = c.controller.load("/models/b.gguf", true);
    await c.loader.loadsRequested(2);
    ui.progress.at(-1)!.cancel();
    assert.equal(await load, undefined);
    assert.equal(c.loader.pendingLoads[1]!.signal?.aborted, true, "the engine was told to stop");
    assert.deepEqual(ui.messages, [], "a cancel is not an error");
    assert.deepEqual(c.log.lines.filter((l) => /cancelled/.test(l)), ["info: Loading /models/b.gguf: cancelled"]);
    assert.equal(c.controller.model?.path, "/models/a.gguf");
});

test("a failed load the user asked for is shown with a way to the log; a background one only goes to the log", async () => {
    const c = controllerWith();
    ui.answer = (message) => message.actions.includes("Show Log") ? "Show Log" : undefined;
    const asked = c.controller.load("/models/broken.gguf", true);
    await c.loader.loadsRequested(1);
    c.loader.pendingLoads[0]!.reject(new Error("broken.gguf is not a GGUF file (bad magic)"));
    assert.equal(await asked, undefined);
    assert.deepEqual(ui.messages.map((m) => [m.severity, m.text, m.actions]), [["error", "broken.gguf is not a GGUF file (bad magic)", ["Show Log"]]]);
    assert.deepEqual(ui.commands.map((cmd) => cmd.command), ["quantpilot.showLog"], "Show Log opens the log");
    assert.ok(c.log.lines.includes("error: Loading /models/broken.gguf: broken.gguf is not a GGUF file (bad magic)"));

    ui.reset();
    c.log.lines.length = 0;
    const background = c.controller.load("/models/broken.gguf", false);
    await c.loader.loadsRequested(2);
    c.loader.pendingLoads[1]!.reject(new Error("bad magic"));
    assert.equal(await background, undefined);
    assert.deepEqual(ui.messages, [], "no notification for a load the user did not ask for");
    assert.deepEqual(c.log.lines, ["error: Loading /models/broken.gguf: bad magic"]);
    assert.deepEqual(c.controller.lastFailure, {path: "/models/broken.gguf", message: "bad magic"});
});

test("a background load that is cancelled is neither shown nor logged as an error", async () => {
    const c = controllerWith();
    const load = c.controller.load("/models/a.gguf", false);
    await c.loader.loadsRequested(1);
    ui.progress[0]!.cancel();
    assert.equal(await load, undefined);
    assert.deepEqual(ui.messages, []);
    assert.deepEqual(c.log.lines.filter((l) => l.startsWith("error")), []);
});

test("loading from the settings: a path loads it, an empty path unloads what is loaded", async () => {
    const c = controllerWith();
    ui.settings.set("quantpilot.modelPath", "/models/a.gguf");
    const load = c.controller.loadFromSettings(false);
    await c.loader.loadsRequested(1);
    assert.equal(c.loader.pendingLoads[0]!.path, "/models/a.gguf");
    c.loader.pendingLoads[0]!.resolve();
    await load;
    assert.equal(c.controller.state.kind, "ready");
    ui.settings.set("quantpilot.modelPath", "");
    await c.controller.loadFromSettings(true);
    assert.deepEqual([c.controller.state, c.loader.unloads, c.loader.pendingLoads.length], [{kind: "none"}, 1, 1], "unloaded, nothing new loaded");
    assert.deepEqual(ui.progress.length, 1, "no progress for an unload");
});

test("the loaded file being deleted warns once it is gone, with a way to pick another", async () => {
    const c = controllerWith();
    ui.answer = (message) => message.actions[0];
    await loaded(c, "/models/a.gguf");
    assert.deepEqual([...c.files.watches.keys()], ["/models/a.gguf"], "the loaded file is watched");
    c.files.deleted("/models/a.gguf");
    assert.deepEqual(ui.messages.map((m) => [m.severity, m.text, m.actions]), [["warning",
        "The model file a.gguf was deleted. QuantPilot keeps using the copy in memory until you pick another model.", ["Select Model File…"]]]);
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.deepEqual(ui.commands.map((cmd) => cmd.command), ["quantpilot.selectModelFile"]);
    assert.ok(c.log.lines.some((l) => l.startsWith("warn: The model file /models/a.gguf was deleted")));
    assert.equal(c.controller.model?.path, "/models/a.gguf", "the copy in memory keeps serving");
});

test("only the file in use is watched: switching moves the watch, unloading and disposing end it", async () => {
    const c = controllerWith();
    await loaded(c, "/models/a.gguf");
    await loaded(c, "/models/b.gguf");
    assert.deepEqual([...c.files.watches.keys()], ["/models/b.gguf"]);
    c.files.deleted("/models/a.gguf");
    c.files.lateReport("/models/a.gguf");
    assert.deepEqual(ui.messages, [], "a file no longer in use may go, even if a poll under way reports it");
    await c.controller.unload();
    assert.deepEqual([...c.files.watches.keys()], []);
    await loaded(c, "/models/c.gguf");
    c.controller.dispose();
    assert.deepEqual([...c.files.watches.keys()], []);
});

test("state listeners get a VS Code Disposable that unsubscribes", async () => {
    const c = controllerWith();
    const kinds: string[] = [];
    const subscription = c.controller.onDidChangeState((state) => kinds.push(state.kind));
    await loaded(c, "/models/a.gguf");
    assert.equal(kinds.at(-1), "ready");
    subscription.dispose();
    await c.controller.unload();
    assert.equal(c.controller.state.kind, "none");
    assert.equal(kinds.at(-1), "ready", "nothing after dispose");
});

test("the default deletion watch notices a model file being deleted", {timeout: 30_000}, async (t) => {
    const dir = await mkdtemp(join(tmpdir(), "qp-deleted-"));
    t.after(() => rm(dir, {recursive: true, force: true}));
    const file = join(dir, "a.gguf");
    // A listener of our own on the same poller, started first: it keeps this process alive (the
    // watch alone does not, on purpose) and tells when a poll has seen the file, so that its
    // deletion is a change the watch can notice.
    let probe: ((current: Stats) => void) | undefined;
    const seen = new Promise<void>((resolve) => probe = (current) => current.nlink > 0 && resolve());
    watchFile(file, {interval: 20, persistent: true}, probe!);
    t.after(() => unwatchFile(file, probe));
    let watch: {dispose(): void} | undefined;
    const deleted = new Promise<void>((resolve) => watch = pollForDeletion(file, resolve, 20));
    t.after(() => watch?.dispose());
    await writeFile(file, "GGUF");
    await seen;
    await rm(file);
    await deleted;
});
