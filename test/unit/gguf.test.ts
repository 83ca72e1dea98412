import {test} from "node:test";
import assert from "node:assert/strict";
import {mkdtemp, readFile, writeFile, rm, readdir} from "node:fs/promises";
import {existsSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {getFloat16, setFloat16} from "@petamoriken/float16";
import {writeGguf} from "../../src/gguf/ggufWriter";
import {GgufFormatError, readGgufHeader, metaString} from "../../src/gguf/ggufReader";
import {bool, f32, i32Array, str, stringArray, u32} from "../../src/gguf/ggufValue";
import {GGML_TYPE_F16, GGML_TYPE_F32, tensorByteSize, fileTypeName, fileTypeByName} from "../../src/gguf/ggmlTypes";
import {float32ToFloat16Bits} from "../../src/gguf/float16";
import {SeededRandom} from "../../src/gguf/seededRandom";

async function tempDir(): Promise<string> {
    return mkdtemp(join(tmpdir(), "qp-gguf-"));
}

test("a written GGUF reads back with the same metadata, tensor table and data", async () => {
    const dir = await tempDir();
    const path = join(dir, "m.gguf");
    const data = new Float32Array([1, 2, 3, 4, 5, 6]);
    await writeGguf(path, new Map([
        ["general.architecture", str("qwen2")],
        ["some.count", u32(7)],
        ["some.flag", bool(true)],
        ["some.ratio", f32(0.5)],
        ["some.words", stringArray(["a", "héllo", ""])],
        ["some.ints", i32Array([-1, 0, 1])]
    ]), [
        {name: "t.weight", dims: [3, 2], type: GGML_TYPE_F32, data: () => [new Uint8Array(data.buffer)]},
        {name: "t.half", dims: [4], type: GGML_TYPE_F16, data: () => [new Uint8Array(8)]}
    ]);
    const header = await readGgufHeader(path);
    assert.equal(header.version, 3);
    assert.equal(metaString(header, "general.architecture"), "qwen2");
    assert.equal(header.metadata.get("some.count")?.value, 7);
    assert.equal(header.metadata.get("some.flag")?.value, true);
    assert.equal(header.metadata.get("some.ratio")?.value, 0.5);
    assert.deepEqual(header.metadata.get("some.words")?.value, ["a", "héllo", ""]);
    assert.deepEqual(header.metadata.get("some.ints")?.value, [-1, 0, 1]);
    assert.deepEqual(header.tensors.map((t) => [t.name, t.dims, t.byteSize]), [["t.weight", [3, 2], 24], ["t.half", [4], 8]]);
    assert.equal(header.dataOffset % 32, 0);
    const bytes = await readFile(path);
    const first = header.tensors[0]!;
    const readBack = new Float32Array(bytes.buffer.slice(bytes.byteOffset + header.dataOffset + first.offset, bytes.byteOffset + header.dataOffset + first.offset + 24));
    assert.deepEqual([...readBack], [1, 2, 3, 4, 5, 6]);
    assert.equal(header.tensors[1]!.offset % 32, 0);
    await rm(dir, {recursive: true});
});

test("a tensor that produces the wrong number of bytes fails and leaves no file behind", async () => {
    const dir = await tempDir();
    const path = join(dir, "bad.gguf");
    await assert.rejects(writeGguf(path, new Map(), [
        {name: "t", dims: [4], type: GGML_TYPE_F32, data: () => [new Uint8Array(3)]}
    ]), /produced 3 bytes, expected 16/);
    assert.equal(existsSync(path), false);
    assert.deepEqual(await readdir(dir), [], "nor its partial file");
    await rm(dir, {recursive: true});
});

test("reading rejects non-GGUF, truncated and impossible headers with a reason", async () => {
    const dir = await tempDir();
    const text = join(dir, "text.gguf");
    await writeFile(text, "hello world, not a model");
    await assert.rejects(readGgufHeader(text), (err: Error) => err instanceof GgufFormatError && /not a GGUF file \(it starts with "hell"\)/.test(err.message));
    const short = join(dir, "short.gguf");
    await writeFile(short, Buffer.from([0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0, 1]));
    await assert.rejects(readGgufHeader(short), /truncated/);
    const version = join(dir, "v9.gguf");
    await writeFile(version, Buffer.from([0x47, 0x47, 0x55, 0x46, 9, 0, 0, 0]));
    await assert.rejects(readGgufHeader(version), /version 9 is not supported/);
    await rm(dir, {recursive: true});
});

test("tensor sizes follow ggml's block sizes", () => {
    assert.equal(tensorByteSize(GGML_TYPE_F16, [896, 10]), 896 * 10 * 2);
    assert.equal(tensorByteSize(8 /* Q8_0 */, [64, 3]), 2 * 34 * 3);
    assert.equal(tensorByteSize(12 /* Q4_K */, [256, 2]), 144 * 2);
    assert.equal(tensorByteSize(12, [64]), undefined, "a Q4_K row must be whole 256-element blocks");
    assert.equal(tensorByteSize(999, [4]), undefined);
    assert.equal(fileTypeName(15), "Q4_K_M");
    assert.equal(fileTypeName(15 | 1024), "Q4_K_M", "the 'guessed' bit is ignored");
    assert.equal(fileTypeByName("q8_0"), 7);
});

test("float16 encoding matches a reference implementation, rounding to nearest even", () => {
    const view = new DataView(new ArrayBuffer(2));
    const random = new SeededRandom(42);
    const special = [0, -0, 1, -1, 65504, 65519, 65520, 1e-8, 5.96e-8, 6.1e-5, 0.1, 1 / 3, Infinity, -Infinity, 1e10];
    const values = [...special, ...Array.from({length: 20000}, (_, i) => random.nextSigned() * 2 ** ((i % 40) - 25))];
    for (const value of values) {
        view.setUint16(0, float32ToFloat16Bits(value), true);
        const ours = getFloat16(view, 0, true);
        assert.equal(Object.is(ours, roundTrip(value)), true, `value ${value}: ${ours} vs ${roundTrip(value)}`);
    }
    view.setUint16(0, float32ToFloat16Bits(NaN), true);
    assert.ok(Number.isNaN(getFloat16(view, 0, true)));
});

/** @petamoriken/float16's own encoder is the reference. */
function roundTrip(value: number): number {
    const view = new DataView(new ArrayBuffer(2));
    setFloat16(view, 0, Math.fround(value), true);
    return getFloat16(view, 0, true);
}

test("the seeded generator is deterministic per seed and stream", () => {
    const a = new SeededRandom(7, 3);
    const b = new SeededRandom(7, 3);
    const c = new SeededRandom(7, 4);
    const seqA = Array.from({length: 5}, () => a.nextUint32());
    assert.deepEqual(seqA, Array.from({length: 5}, () => b.nextUint32()));
    assert.notDeepEqual(seqA, Array.from({length: 5}, () => c.nextUint32()));
    const r = new SeededRandom(1);
    for (let i = 0; i < 1000; i++) {
        const x = r.nextSigned();
        assert.ok(x >= -1 && x < 1);
    }
});
