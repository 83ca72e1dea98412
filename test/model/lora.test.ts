import {after, before, test} from "node:test";
import assert from "node:assert/strict";
import {mkdtemp, rm, readFile, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {LocalEngine} from "../../src/engine/localEngine";
import {AdapterRejectedError} from "../../src/engine/lora/adapterRejectedError";
import {ModelHost} from "../../src/engine/modelHost";
import {runAb} from "../../src/ab/runner/abRun";
import {pythonInventory} from "../../src/ab/corpus/texts/pythonInventory";
import {newTestEngine, testRuntime, TEST_LOAD_OPTIONS} from "../helpers/engine";
import {testAdapter, testModel, thirdPartyFixture} from "../helpers/testModels";

let dir: string;
let base: string;
let adapterA: string;
let adapterB: string;

before(async () => {
    dir = await mkdtemp(join(tmpdir(), "quantpilot-lora-"));
    base = await testModel("tiny");
    adapterA = await testAdapter(base, dir, 1);
    adapterB = await testAdapter(base, dir, 2);
});

after(async () => {
    await testRuntime().dispose();
    await rm(dir, {recursive: true, force: true});
});

const PROMPT = "def add(a, b):\n    return";

/** Greedy text of the engine's model as it is now: what a user would see change. */
async function greedy(engine: LocalEngine, prompt = PROMPT): Promise<string> {
    const loaded = engine.loaded!;
    const tokens = loaded.tokenize(prompt);
    const result = await loaded.exclusive(undefined, (session) => session.generate(tokens, {maxTokens: 12, startedAt: performance.now(), predictor: "none"}));
    return result.text;
}

async function loadedEngine(path = base): Promise<LocalEngine> {
    const engine = newTestEngine();
    await engine.load(path, TEST_LOAD_OPTIONS);
    return engine;
}

test("an adapter changes the output at scale 1, not at scale 0 or once unloaded; the weights are never reloaded", async () => {
    const engine = await loadedEngine();
    const weights = engine.loaded!.model;
    const plain = await greedy(engine);
    const adapted = await engine.setAdapters([{path: adapterA, scale: 1}]);
    assert.deepEqual(adapted.adapters?.map((a) => [a.fileName, a.scale, a.rank]), [["tiny-s1-f16-lora-s1-r4.gguf", 1, 4]]);
    const withA = await greedy(engine);
    assert.notEqual(withA, plain);
    await engine.setAdapters([{path: adapterA, scale: 0}]);
    assert.equal(await greedy(engine), plain);
    await engine.setAdapters([]);
    assert.equal(engine.model?.adapters, undefined);
    assert.equal(await greedy(engine), plain);
    assert.equal(engine.loaded!.model, weights, "the same LlamaModel serves throughout");
    await engine.dispose();
});

test("adapters switch A to B and stack with scales, each a different model; switching back gives A's output again", async () => {
    const engine = await loadedEngine();
    const weights = engine.loaded!.model;
    await engine.setAdapters([{path: adapterA, scale: 1}]);
    const withA = await greedy(engine);
    await engine.setAdapters([{path: adapterB, scale: 1}]);
    const withB = await greedy(engine);
    await engine.setAdapters([{path: adapterA, scale: 1}, {path: adapterB, scale: 0.5}]);
    const stacked = await greedy(engine);
    assert.equal(engine.model?.adapters?.length, 2);
    assert.notEqual(withB, withA);
    assert.notEqual(stacked, withA);
    await engine.setAdapters([{path: adapterA, scale: 1}]);
    assert.equal(await greedy(engine), withA);
    assert.equal(engine.loaded!.model, weights);
    await engine.dispose();
});

test("each bad adapter is refused with one clear message and the model keeps serving as it was", async () => {
    const engine = await loadedEngine();
    await engine.setAdapters([{path: adapterA, scale: 1}]);
    const withA = await greedy(engine);
    const llamaAdapter = await testAdapter(await testModel("llama-spm"), dir, 1);
    const wrongShape = await testAdapter(await testModel("small"), dir, 1);
    const whole = await readFile(adapterA);
    const truncated = join(dir, "truncated.gguf");
    await writeFile(truncated, whole.subarray(0, whole.length - 100));
    const cases: [string, number, RegExp][] = [
        [llamaAdapter, 1, /: adapter made for llama, loaded model is qwen2$/],
        [truncated, 1, /: adapter file truncated \(tensor blk\.1\.attn_v\.weight\.lora_b ends at byte \d+, the file has \d+\)$/],
        [base, 1, /: not a LoRA adapter \(general\.type=missing\)$/],
        [wrongShape, 1, /: adapter tensor blk\.0\.attn_q\.weight\.lora_a does not match the model \(lora_a \[256, 4\], lora_b \[4, 256\], model weight \[64, 64\]\)$/],
        [join(dir, "missing.gguf"), 1, /: the file does not exist$/],
        [adapterB, Number.NaN, /: the scale must be a number/]
    ];
    for (const [path, scale, message] of cases) {
        await assert.rejects(engine.setAdapters([{path: adapterB, scale: 1}, {path, scale}]), (err: unknown) => {
            assert.ok(err instanceof AdapterRejectedError, String(err));
            assert.match(err.message, /^Cannot use LoRA adapter /);
            assert.match(err.message, message);
            return true;
        });
        assert.deepEqual(engine.model?.adapters?.map((a) => a.fileName), ["tiny-s1-f16-lora-s1-r4.gguf"]);
        assert.equal(await greedy(engine), withA, `still serving with adapter A after ${path}`);
    }
    await engine.dispose();
});

test("the model host carries adapters to the next load; one that does not fit the new model is left out with a notice", async () => {
    const engine = newTestEngine();
    const host = new ModelHost(engine, async () => TEST_LOAD_OPTIONS);
    await host.setAdapters([{path: adapterA, scale: 1}]);
    assert.equal(engine.model, undefined, "kept for the next load");
    await host.load(base);
    assert.equal(host.model?.adapters?.[0]?.fileName, "tiny-s1-f16-lora-s1-r4.gguf");
    const withA = await greedy(engine);
    await host.load(await testModel("tiny", 1, "f32"));
    assert.equal(host.model?.adapters?.[0]?.scale, 1, "another storage of the same base keeps the adapter");
    assert.equal(await greedy(engine), withA);
    await host.load(await testModel("small"));
    assert.equal(host.model?.adapters, undefined);
    assert.match(host.model?.adapterNotice ?? "", /does not match the model/);
    await assert.rejects(host.setAdapters([{path: join(dir, "missing.gguf"), scale: 1}]), /does not exist/);
    assert.match(host.adapterFailure ?? "", /does not exist/);
    assert.equal(host.state.kind, "ready");
    host.dispose();
    await engine.dispose();
});

test("a llama adapter on the third-party llama model changes its output", {skip: thirdPartyFixture() == null ? "no third-party fixture on this machine" : false}, async () => {
    const fixture = thirdPartyFixture()!;
    const engine = await loadedEngine(fixture);
    const plain = await greedy(engine, "Once upon a time");
    const adapter = await testAdapter(fixture, dir, 3);
    await engine.setAdapters([{path: adapter, scale: 1}]);
    assert.notEqual(await greedy(engine, "Once upon a time"), plain);
    await engine.setAdapters([]);
    assert.equal(await greedy(engine, "Once upon a time"), plain);
    await engine.dispose();
});

test("the A/B compares base with base + adapter like two quantization levels: KLD 0 at scale 0, clearly above at scale 1", async () => {
    const report = await runAb({
        referencePath: base, candidatePaths: [], runtime: testRuntime(), gpu: "cpu", threads: 1, window: 256, metrics: ["quality"], cacheDir: null,
        texts: [{name: pythonInventory.name, text: pythonInventory.text, kind: "code"}], builtInCorpus: false, scoring: "in-process",
        adapterCandidates: [{path: base, adapters: [{path: adapterA, scale: 0}]}, {path: base, adapters: [{path: adapterA, scale: 1}]}]
    });
    const [off, on] = report.candidates;
    assert.equal(on!.model.fileName, "tiny-s1-f16.gguf + tiny-s1-f16-lora-s1-r4.gguf ×1");
    assert.deepEqual(on!.model.adapters?.map((a) => a.scale), [1]);
    assert.equal(off!.quality!.kld.mean, 0);
    assert.ok(on!.quality!.kld.mean > 0.05, `KLD ${on!.quality!.kld.mean}`);
    assert.ok(on!.quality!.sameTop1.rate < 1);
});

test("an A/B adapter candidate made for another architecture is refused before any model loads", async () => {
    const llamaAdapter = await testAdapter(await testModel("llama-spm"), dir, 1);
    await assert.rejects(runAb({
        referencePath: base, candidatePaths: [], runtime: testRuntime(), gpu: "cpu", threads: 1, metrics: ["quality"], cacheDir: null,
        adapterCandidates: [{path: base, adapters: [{path: llamaAdapter, scale: 1}]}]
    }), /adapter made for llama, loaded model is qwen2/);
});
