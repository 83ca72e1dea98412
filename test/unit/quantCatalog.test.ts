import {test} from "node:test";
import assert from "node:assert/strict";
import {builtInCatalog, CatalogError, downloadUri, parseCatalog} from "../../src/quant/catalog";
import {recommendModel} from "../../src/quant/recommendModel";
import {decideFit, describeFit} from "../../src/quant/fit";
import {describeStarter, starterModel} from "../../src/quant/starterModel";

const GB = 1024 ** 3;

test("the shipped catalog passes its schema and covers the product brief's families", () => {
    const catalog = builtInCatalog();
    const families = new Set(catalog.models.map((m) => m.family));
    for (const family of ["Qwen2.5-Coder", "Llama 3.2", "Gemma 3", "Phi-3", "Phi-4", "SmolLM2", "MobileLLM", "Octopus", "Qwen3"])
        assert.ok(families.has(family), `catalog has ${family}`);
    const coders = catalog.models.filter((m) => m.family === "Qwen2.5-Coder").map((m) => m.parametersB);
    assert.equal(coders.length, 4, "Qwen2.5-Coder 0.5B, 1.5B, 3B and 7B");
    assert.ok(catalog.models.some((m) => m.use.includes("completions")), "something for completions");
    assert.ok(catalog.models.some((m) => m.use.includes("assistant")), "something for the assistant");
});

test("catalog download URIs use node-llama-cpp's hf: forms", () => {
    const catalog = builtInCatalog();
    const coder = catalog.models.find((m) => m.id === "qwen2.5-coder-1.5b-instruct")!;
    assert.equal(downloadUri(coder, "Q4_K_M"), "hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF:Q4_K_M");
    const phi3 = catalog.models.find((m) => m.id === "phi-3-mini-4k-instruct")!;
    assert.equal(downloadUri(phi3, "Q4_K_M"), "hf:microsoft/Phi-3-mini-4k-instruct-gguf/Phi-3-mini-4k-instruct-q4.gguf");
});

test("a bad catalog is refused with every problem listed", () => {
    const good = builtInCatalog().models[0]!;
    assert.throws(() => parseCatalog({schemaVersion: 2, models: []}), CatalogError);
    assert.throws(() => parseCatalog("nope"), /not a JSON object/);
    assert.throws(() => parseCatalog({schemaVersion: 1}), /models is not a list/);
    const broken = {...good, id: good.id, quants: ["Q4_K_M", "q9"], use: ["completions"], capabilities: {fim: false, tools: true, chat: true}};
    assert.throws(() => parseCatalog({schemaVersion: 1, models: [good, broken]}), (err: Error) =>
        /appears twice/.test(err.message) && /"q9"/.test(err.message) && /completions but has no FIM/.test(err.message));
    assert.throws(() => parseCatalog({schemaVersion: 1, models: [{...good, repo: "no-slash", contextLength: 12.5}]}),
        (err: Error) => /not user\/name/.test(err.message) && /contextLength/.test(err.message));
    assert.throws(() => parseCatalog({schemaVersion: 1, models: [{...good, verified: {repo: true}}]}), /verified\.quants must be true or false/);
});

test("the default recommendation follows free memory", () => {
    const catalog = builtInCatalog();
    const tiny = recommendModel(catalog, "completions", {freeRamBytes: 1.5 * GB, freeVramBytes: 0});
    assert.equal(tiny?.model.id, "qwen2.5-coder-0.5b-instruct");
    assert.equal(tiny?.where, "cpu");
    const laptop = recommendModel(catalog, "completions", {freeRamBytes: 16 * GB, freeVramBytes: 0});
    assert.ok(laptop != null && laptop.model.parametersB <= 3.5, "no 7B for CPU completions");
    const gpu = recommendModel(catalog, "completions", {freeRamBytes: 16 * GB, freeVramBytes: 12 * GB});
    assert.equal(gpu?.model.id, "qwen2.5-coder-7b-instruct");
    assert.equal(gpu?.where, "gpu");
    const assistant = recommendModel(catalog, "assistant", {freeRamBytes: 4 * GB, freeVramBytes: 0});
    assert.ok(assistant?.model.capabilities.tools, "the assistant gets a tool-calling model");
    assert.equal(recommendModel(catalog, "assistant", {freeRamBytes: 0.2 * GB, freeVramBytes: 0}), undefined);
});

test("fit verdicts: GPU, partly on GPU, CPU only, will not fit", () => {
    const base = {totalLayers: 29, ramBytes: 1 * GB, vramBytes: 2 * GB, freeRamBytes: 8 * GB, freeVramBytes: 4 * GB};
    assert.equal(decideFit({...base, gpu: true, gpuLayers: 29}).verdict, "gpu");
    assert.equal(decideFit({...base, gpu: true, gpuLayers: 12}).verdict, "partial-gpu");
    assert.equal(decideFit({...base, gpu: true, gpuLayers: 0}).verdict, "cpu");
    assert.equal(decideFit({...base, gpu: false, gpuLayers: 0}).verdict, "cpu");
    assert.equal(decideFit({...base, gpu: false, gpuLayers: 0, freeRamBytes: 0.5 * GB}).verdict, "none");
    assert.equal(decideFit({...base, gpu: true, gpuLayers: 29, freeVramBytes: 1 * GB}).verdict, "none");
    assert.match(describeFit(decideFit({...base, gpu: true, gpuLayers: 12})), /^partly on GPU: 12\/29 layers, needs 2\.00 GB VRAM \(4\.00 GB free\) \+ 1\.00 GB RAM/);
    assert.match(describeFit(decideFit({...base, gpu: false, gpuLayers: 0, freeRamBytes: 0.5 * GB})), /^will not fit: needs 1\.00 GB RAM \(512 MB free\)/);
});

test("the first run offers a real coder model from the catalog, pinned: size, licence and checksum known before the download", () => {
    const starter = starterModel(builtInCatalog());
    assert.ok(starter != null, "the shipped catalog marks a first-run model");
    assert.equal(starter.model.id, "qwen2.5-coder-0.5b-instruct");
    assert.equal(starter.quant, "Q4_K_M");
    assert.ok(starter.model.capabilities.fim, "a FIM model: the first run is about completions");
    assert.equal(starter.uri, "hf:Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf");
    assert.deepEqual(starter.pin, {sha256: "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32", sizeBytes: 491_400_064});
    const roomy = describeStarter(starter, 8 * 1024 ** 3);
    assert.match(roomy, /^Qwen2\.5-Coder 0\.5B Instruct Q4_K_M: 469 MB download, Apache-2\.0, SHA-256 1d961463…c4ff32; needs about .* of memory, 8\.00 GB free: fits$/);
    assert.match(describeStarter(starter, 300 * 1024 ** 2), /: does not fit now/);
});

test("a first-run entry must be pinned, pins must be real checksums, and only one model may be offered first", () => {
    const base = builtInCatalog().models.find((m) => m.id === "qwen2.5-coder-0.5b-instruct")!;
    const other = builtInCatalog().models.find((m) => m.id === "qwen2.5-coder-1.5b-instruct")!;
    const reject = (models: unknown[], pattern: RegExp) => assert.throws(() => parseCatalog({schemaVersion: 1, models}), pattern);
    reject([{...base, pinned: undefined}], /firstRun must name a pinned quant/);
    reject([{...base, pinned: {Q4_K_M: {sha256: "1D96", sizeBytes: 1}}}], /pinned\.Q4_K_M must be \{sha256: 64 lower-case hex digits/);
    reject([{...base, pinned: {IQ1_S: base.pinned!.Q4_K_M}}], /pinned\.IQ1_S .* of a listed quant/);
    reject([base, {...other, firstRun: "Q4_K_M"}], /more than one model has firstRun/);
    assert.equal(starterModel(parseCatalog({schemaVersion: 1, models: [other]})), undefined, "no first-run entry, no offer");
});
