import {test} from "node:test";
import assert from "node:assert/strict";
import {mkdtemp, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {GgufFormatError, readGgufHeader} from "../../src/gguf/ggufReader";
import {arrayLength, GgufValueType, str, u32} from "../../src/gguf/ggufValue";
import {encodeGguf, rawArray, rawClaim, type RawKv} from "../helpers/ggufAssembly";

const MB = 1 << 20;

async function withFile(kvs: RawKv[], run: (path: string) => Promise<void>, change: {tensorCount?: number; kvCount?: number} = {}): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), "qp-reader-"));
    try {
        const path = join(dir, "m.gguf");
        await writeFile(path, encodeGguf({kvs: [{key: "general.architecture", entry: str("qwen2")}, ...kvs], tensors: [], data: Buffer.alloc(0), ...change}));
        await run(path);
    } finally {
        await rm(dir, {recursive: true, force: true});
    }
}

/** Counts event-loop turns while `work` runs: a reader that never yields lets none through. */
async function turnsDuring<T>(work: () => Promise<T>): Promise<{result: T; turns: number; ms: number}> {
    let turns = 0;
    let running = true;
    const spin = () => {
        turns++;
        if (running)
            setImmediate(spin);
    };
    setImmediate(spin);
    const started = performance.now();
    try {
        return {result: await work(), turns, ms: performance.now() - started};
    } finally {
        running = false;
    }
}

function stringItems(count: number, text: string): Buffer {
    const item = Buffer.alloc(8 + text.length);
    item.writeBigUInt64LE(BigInt(text.length));
    item.write(text, 8);
    return Buffer.concat(Array<Buffer>(count).fill(item));
}

test("a 50 MB header with one huge array is read in little memory and time, and the event loop keeps turning", async () => {
    const cases: Array<[string, RawKv]> = [
        ["bytes", {key: "junk.blob", raw: rawArray(GgufValueType.Uint8, 50 * MB, Buffer.alloc(50 * MB, 1))}],
        ["floats under a tokenizer key", {key: "tokenizer.ggml.scores", raw: rawArray(GgufValueType.Float32, 12.5 * MB, Buffer.alloc(50 * MB))}],
        ["short strings", {key: "junk.words", raw: rawArray(GgufValueType.String, Math.floor(50 * MB / 12), stringItems(Math.floor(50 * MB / 12), "abcd"))}],
        ["a token list", {key: "tokenizer.ggml.tokens", raw: rawArray(GgufValueType.String, Math.floor(50 * MB / 12), stringItems(Math.floor(50 * MB / 12), "abcd"))}],
        ["one string", {key: "general.description", entry: str("d".repeat(50 * MB))}]
    ];
    for (const [what, kv] of cases) {
        await withFile([kv], async (path) => {
            const heapBefore = process.memoryUsage().heapUsed;
            const {result: header, turns, ms} = await turnsDuring(() => readGgufHeader(path));
            const grown = process.memoryUsage().heapUsed - heapBefore;
            const entry = header.metadata.get(kv.key)!;
            assert.ok(ms < 15_000, `${what}: ${ms} ms`);
            assert.ok(grown < 64 * MB, `${what}: the heap grew by ${Math.round(grown / MB)} MB`);
            assert.ok(arrayLength(entry) > 1_000_000 || ("omittedBytes" in entry && entry.omittedBytes === 50 * MB), `${what}: the size is still known`);
            if (what === "short strings" || what === "a token list")
                assert.ok(turns >= 50, `${what}: only ${turns} event-loop turns while 50 MB were read`);
        });
    }
});

test("counts and lengths are checked against the bytes left in the file before anything is allocated", async () => {
    const claims: Array<[string, RawKv | undefined, {tensorCount?: number; kvCount?: number}]> = [
        ["array count", {key: "junk.claim", raw: rawClaim(GgufValueType.Array, 2 ** 50)}, {}],
        ["string length", {key: "junk.text", raw: rawClaim(GgufValueType.String, 2 ** 40)}, {}],
        ["tensor count", undefined, {tensorCount: 2 ** 40}],
        ["metadata count", undefined, {kvCount: 2 ** 50}]
    ];
    for (const [what, kv, change] of claims) {
        await withFile(kv != null ? [kv] : [], async (path) => {
            const started = performance.now();
            await assert.rejects(readGgufHeader(path), (e: Error) => e instanceof GgufFormatError && /truncated or damaged/.test(e.message), what);
            assert.ok(performance.now() - started < 2000, what);
        }, change);
    }
});

test("values past the reader's limits are measured, not kept", async () => {
    await withFile([
        {key: "junk.many", raw: rawArray(GgufValueType.Uint32, 100_000, Buffer.alloc(400_000))},
        {key: "junk.few", raw: rawArray(GgufValueType.Uint32, 3, Buffer.alloc(12))},
        {key: "general.description", entry: str("x".repeat(2 * MB))}
    ], async (path) => {
        const header = await readGgufHeader(path);
        const many = header.metadata.get("junk.many")!;
        assert.deepEqual([many.value, many.type === GgufValueType.Array && many.omittedItems], [[], 100_000]);
        assert.deepEqual(header.metadata.get("junk.few")!.value, [0, 0, 0]);
        const description = header.metadata.get("general.description")!;
        assert.deepEqual([description.value, "omittedBytes" in description && description.omittedBytes], ["", 2 * MB]);
    });
});

test("a read that runs past its processor-time or wall-clock limit, or is cancelled, stops with a reason", async () => {
    const count = 2 * MB;
    await withFile([{key: "junk.words", raw: rawArray(GgufValueType.String, count, stringItems(count, "ab"))}], async (path) => {
        await assert.rejects(readGgufHeader(path, undefined, {cpuTimeLimitMs: 0}), /took more than 0 s of processor time/);
        await assert.rejects(readGgufHeader(path, undefined, {cpuTimeLimitMs: 60_000, wallTimeLimitMs: 0}), /did not finish within 0 s/);
        const controller = new AbortController();
        controller.abort();
        await assert.rejects(readGgufHeader(path, controller.signal), {name: "AbortError"});
    });
});

test("an empty metadata key is refused, as llama.cpp refuses it", async () => {
    await withFile([{key: "", entry: u32(1)}], async (path) => {
        await assert.rejects(readGgufHeader(path), /a metadata key is empty/);
    });
});
