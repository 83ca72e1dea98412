import {test} from "node:test";
import assert from "node:assert/strict";
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {adapterListProblem, parseAdapterArgument, sameAdapters, scaleProblem} from "../../src/engine/lora/adapterRequest";
import {baseShapeOf, checkAdapterFile} from "../../src/engine/lora/adapterFile";
import {writeGguf} from "../../src/gguf/ggufWriter";
import {readGgufHeader} from "../../src/gguf/ggufReader";
import {f32, str, type GgufEntry} from "../../src/gguf/ggufValue";
import {GGML_TYPE_F32} from "../../src/gguf/ggmlTypes";
import {ModelHost} from "../../src/engine/modelHost";
import {checkSetting} from "../../src/settings/settingsSchema";
import {FakeLoader} from "../helpers/fakeModelLoader";

test("the CLI's FILE[:scale] takes a trailing number as the scale and leaves other colons in the path", () => {
    assert.deepEqual(parseAdapterArgument("a.gguf"), {path: "a.gguf", scale: 1});
    assert.deepEqual(parseAdapterArgument("a.gguf:0.5"), {path: "a.gguf", scale: 0.5});
    assert.deepEqual(parseAdapterArgument("C:\\lora\\a.gguf:-1"), {path: "C:\\lora\\a.gguf", scale: -1});
    assert.deepEqual(parseAdapterArgument("C:\\lora\\a.gguf"), {path: "C:\\lora\\a.gguf", scale: 1});
});

test("scales and the setting's entries are checked with one sentence each", () => {
    assert.equal(scaleProblem(0.5), undefined);
    assert.match(scaleProblem(Number.NaN) ?? "", /must be a number/);
    assert.match(scaleProblem(40) ?? "", /outside -16\.\.16/);
    assert.equal(adapterListProblem([{path: "/a.gguf"}, {path: "/b.gguf", scale: 0.25}]), undefined);
    assert.match(adapterListProblem([{scale: 1}]) ?? "", /entry 1 without a "path"/);
    assert.match(adapterListProblem([{path: "/a.gguf", scale: "1"}]) ?? "", /entry 1 whose "scale"/);
    assert.equal(checkSetting("lora.adapters", "x").value.length, 0);
    assert.match(checkSetting("lora.adapters", "x").problem ?? "", /is not a list/);
    assert.ok(sameAdapters([{path: "a", scale: 1}], [{path: "a", scale: 1}]));
    assert.ok(!sameAdapters([{path: "a", scale: 1}], [{path: "a", scale: 0.5}]));
});

/** A one-pair adapter for a base with `blk.0.attn_q.weight` of ggml shape [8, 8]. */
async function adapterFile(dir: string, name: string, metadata: [string, GgufEntry][], dims: {a: number[]; b: number[]}): Promise<string> {
    const path = join(dir, name);
    const tensor = (tensorName: string, shape: number[]) => ({
        name: tensorName, dims: shape, type: GGML_TYPE_F32, data: () => [new Uint8Array(shape[0]! * shape[1]! * 4)]
    });
    await writeGguf(path, new Map(metadata), [tensor("blk.0.attn_q.weight.lora_a", dims.a), tensor("blk.0.attn_q.weight.lora_b", dims.b)]);
    return path;
}

test("an adapter is checked against the base's header: type, architecture, names and shapes, one reason each", async () => {
    const dir = await mkdtemp(join(tmpdir(), "qp-lora-unit-"));
    try {
        const base = {architecture: "qwen2", tensors: new Map([["blk.0.attn_q.weight", {dims: [8, 8], type: 1}]])};
        const lora: [string, GgufEntry][] = [["general.architecture", str("qwen2")], ["general.type", str("adapter")], ["adapter.type", str("lora")], ["adapter.lora.alpha", f32(2)]];
        const good = await adapterFile(dir, "good.gguf", lora, {a: [8, 2], b: [2, 8]});
        const facts = await checkAdapterFile(good, base);
        assert.deepEqual([facts.rank, facts.alpha, facts.adaptedWeights, facts.tensorBytes], [2, 2, 1, 128]);
        const cases: [string, [string, GgufEntry][], {a: number[]; b: number[]}, RegExp][] = [
            ["model.gguf", [["general.architecture", str("qwen2")]], {a: [8, 2], b: [2, 8]}, /not a LoRA adapter \(general\.type=missing\)/],
            ["control.gguf", [...lora.slice(0, 2), ["adapter.type", str("control_vector")]], {a: [8, 2], b: [2, 8]}, /not a LoRA adapter \(adapter\.type=control_vector\)/],
            ["llama.gguf", [["general.architecture", str("llama")], ...lora.slice(1)], {a: [8, 2], b: [2, 8]}, /adapter made for llama, loaded model is qwen2/],
            ["wide.gguf", lora, {a: [16, 2], b: [2, 8]}, /adapter tensor blk\.0\.attn_q\.weight\.lora_a does not match the model \(lora_a \[16, 2\], lora_b \[2, 8\], model weight \[8, 8\]\)/],
            ["rank.gguf", lora, {a: [8, 2], b: [3, 8]}, /does not match the model/]
        ];
        for (const [name, metadata, dims, message] of cases)
            await assert.rejects(checkAdapterFile(await adapterFile(dir, name, metadata, dims), base), message, name);
        const other = {architecture: "qwen2", tensors: new Map([["blk.0.attn_k.weight", {dims: [8, 8], type: 1}]])};
        await assert.rejects(checkAdapterFile(good, other), /the model has no blk\.0\.attn_q\.weight/);
        assert.equal(baseShapeOf(await readGgufHeader(good)).architecture, "qwen2");
    } finally {
        await rm(dir, {recursive: true, force: true});
    }
});

test("the host keeps the adapters asked for with no model and passes them to the next load; a refusal is kept until one succeeds", async () => {
    const loader = new FakeLoader();
    const host = new ModelHost(loader, async () => ({gpu: "cpu", threads: 1, contextSize: 512}));
    const states: string[] = [];
    host.onDidChangeState((s) => states.push(s.kind));
    assert.equal(await host.setAdapters([{path: "/a.gguf", scale: 0.5}]), undefined);
    assert.equal(loader.adapterChanges.length, 0, "nothing to apply to yet");
    const loading = host.load("/m.gguf");
    await loader.loadsRequested(1);
    assert.deepEqual(loader.pendingLoads[0]!.options.adapters, [{path: "/a.gguf", scale: 0.5}]);
    loader.pendingLoads[0]!.resolve({architecture: "qwen2"});
    await loading;
    await host.setAdapters([{path: "/b.gguf", scale: 1}]);
    assert.deepEqual(host.model?.adapters?.map((a) => a.fileName), ["b.gguf"]);
    loader.setAdapters = async () => {
        throw new Error("Cannot use LoRA adapter c.gguf: adapter made for llama, loaded model is qwen2");
    };
    await assert.rejects(host.setAdapters([{path: "/c.gguf", scale: 1}]), /made for llama/);
    assert.match(host.adapterFailure ?? "", /made for llama/);
    assert.deepEqual(host.wantedAdapters, [{path: "/b.gguf", scale: 1}], "the refused change is not kept");
    assert.equal(host.state.kind, "ready");
    host.dispose();
});
