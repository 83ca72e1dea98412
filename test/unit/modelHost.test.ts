import {test} from "node:test";
import assert from "node:assert/strict";
import type {LoadOptions} from "../../src/engine/localEngine";
import type {ModelDescription} from "../../src/engine/modelDescription";
import {ModelHost, type ModelState} from "../../src/engine/modelHost";
import {describeModel as describe, FakeLoader} from "../helpers/fakeModelLoader";

const OPTIONS: LoadOptions = {gpu: "cpu", threads: 1, contextSize: 1024};

function hostWith(loader = new FakeLoader()): {host: ModelHost; loader: FakeLoader; states: ModelState[]} {
    const host = new ModelHost(loader, async () => OPTIONS);
    const states: ModelState[] = [];
    host.onDidChangeState((s) => states.push(s));
    return {host, loader, states};
}

function loadsRequested(loader: FakeLoader, count: number): Promise<void> {
    return loader.loadsRequested(count);
}

test("a load goes none -> loading -> ready, and the state names the model the engine has", async () => {
    const {host, loader, states} = hostWith();
    assert.deepEqual(host.state, {kind: "none"});
    const loading = host.load("/m/a.gguf");
    assert.equal(host.state.kind, "loading");
    await loadsRequested(loader, 1);
    loader.pendingLoads[0]!.resolve();
    assert.equal((await loading)?.path, "/m/a.gguf");
    assert.deepEqual(host.state, {kind: "ready", model: loader.model});
    assert.deepEqual(states.map((s) => s.kind).at(-1), "ready");
});

test("unload from the command palette: the state follows the engine to none at once", async () => {
    const {host, loader, states} = hostWith();
    const loading = host.load("/m/a.gguf");
    await loadsRequested(loader, 1);
    loader.pendingLoads[0]!.resolve();
    await loading;
    await host.unload();
    assert.deepEqual(host.state, {kind: "none"});
    assert.equal(states.at(-1)?.kind, "none");
});

test("the engine dropping its model (whoever did it) is never reported as ready", async () => {
    const {host, loader} = hostWith();
    const loading = host.load("/m/a.gguf");
    await loadsRequested(loader, 1);
    loader.pendingLoads[0]!.resolve();
    await loading;
    await loader.unload(); // around the host, as the old unload command did
    assert.deepEqual(host.state, {kind: "none"});
});

test("a failed load keeps the previous model serving and remembers why, until the next success", async () => {
    const {host, loader} = hostWith();
    const first = host.load("/m/a.gguf");
    await loadsRequested(loader, 1);
    loader.pendingLoads[0]!.resolve();
    await first;
    const second = host.load("/m/broken.gguf");
    await loadsRequested(loader, 2);
    assert.equal(host.state.kind, "loading");
    assert.equal((host.state as {previous?: ModelDescription}).previous?.path, "/m/a.gguf");
    loader.pendingLoads[1]!.reject(new Error("tensor data is not within the file bounds"));
    await assert.rejects(second, /file bounds/);
    assert.deepEqual(host.state, {kind: "ready", model: describe("/m/a.gguf")});
    assert.deepEqual(host.lastFailure, {path: "/m/broken.gguf", message: "tensor data is not within the file bounds"});
    const third = host.load("/m/c.gguf");
    await loadsRequested(loader, 3);
    loader.pendingLoads[2]!.resolve();
    await third;
    assert.equal(host.lastFailure, undefined);
});

test("a failed first load is 'failed' with the reason; an unload clears it", async () => {
    const {host, loader} = hostWith();
    const load = host.load("/m/broken.gguf");
    await loadsRequested(loader, 1);
    loader.pendingLoads[0]!.reject(new Error("bad magic"));
    await assert.rejects(load);
    assert.deepEqual(host.state, {kind: "failed", path: "/m/broken.gguf", message: "bad magic"});
    await host.unload();
    assert.deepEqual(host.state, {kind: "none"});
});

test("a newer load supersedes an older one: the older resolves undefined and leaves no failure", async () => {
    const {host, loader} = hostWith();
    const older = host.load("/m/a.gguf");
    await loadsRequested(loader, 1);
    const newer = host.load("/m/b.gguf");
    assert.equal(loader.pendingLoads[0]!.signal?.aborted, true, "the older load is aborted");
    assert.equal(await older, undefined);
    await loadsRequested(loader, 2);
    assert.deepEqual(host.state, {kind: "loading", path: "/m/b.gguf"});
    loader.pendingLoads[1]!.resolve();
    assert.equal((await newer)?.path, "/m/b.gguf");
    assert.equal(host.lastFailure, undefined);
});

test("a cancelled load (the caller's signal) is not a failure", async () => {
    const {host, loader} = hostWith();
    const controller = new AbortController();
    const load = host.load("/m/a.gguf", {signal: controller.signal});
    await loadsRequested(loader, 1);
    controller.abort();
    await assert.rejects(load, (err: Error) => err.name === "AbortError");
    assert.deepEqual(host.state, {kind: "none"});
    assert.equal(host.lastFailure, undefined);
});

test("an unload during a load stops the load", async () => {
    const {host, loader} = hostWith();
    const load = host.load("/m/a.gguf");
    await loadsRequested(loader, 1);
    await host.unload();
    assert.equal(await load, undefined);
    assert.deepEqual(host.state, {kind: "none"});
});
