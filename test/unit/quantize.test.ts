import {test} from "node:test";
import assert from "node:assert/strict";
import {mkdir, mkdtemp, readdir, rm, utimes, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {GgufHeader, GgufTensorInfo} from "../../src/gguf/ggufReader";
import {findLlamaLibraries} from "../../src/quant/llamaLibrary";
import {sweepAbandonedDownloads, STAGING_DIR} from "../../src/quant/downloadModel";
import {isLeftoverName, partialPathFor, recordedQuantizeDirs, recordQuantizeDir, sweepPartialFiles} from "../../src/quant/partialFiles";
import {failureReason, looksLikeWriteFailure, parseTensorLine} from "../../src/quant/quantizeLog";
import {planFromDryRun} from "../../src/quant/quantizePlan";
import {QuantizeProgress} from "../../src/quant/quantizeProgress";
import {allQuantTypes, findQuantType, offeredQuantTypes} from "../../src/quant/quantTypes";

function tensor(name: string, dims: number[], type = 1): GgufTensorInfo {
    return {name, dims, type, offset: 0, byteSize: dims.reduce((a, b) => a * b, 1) * (type === 0 ? 4 : 2)};
}

function header(tensors: GgufTensorInfo[]): GgufHeader {
    return {version: 3, metadata: new Map(), tensors, alignment: 32, dataOffset: 1024, fileSize: 0};
}

test("tensor log lines from a real run and a dry run are read", () => {
    const real = parseTensorLine("[  47/  51] blk.3.attn_v.weight                  - [   256,    128,      1,      1], type =    f16, converting to q6_K .. size =     0.06 MiB ->     0.03 MiB");
    assert.deepEqual(real, {index: 47, count: 51, name: "blk.3.attn_v.weight", fromType: "f16", plannedType: undefined});
    const dry = parseTensorLine("[  35/  51] blk.2.attn_v.weight                  - [   256,    128,      1,      1], type =    f16, size =     0.06 MiB ->     0.03 MiB (q6_K)");
    assert.equal(dry?.plannedType, "q6_K");
    const kept = parseTensorLine("[  38/  51] blk.2.ffn_norm.weight               - [   256,      1,      1,      1], type =    f32, size =    0.001 MiB");
    assert.equal(kept?.plannedType, undefined);
    assert.equal(parseTensorLine("llama_model_loader: - type  f32:   21 tensors"), undefined);
    assert.equal(parseTensorLine(""), undefined);
});

test("llama.cpp's failure reason is found, and write failures are recognised", () => {
    const lines = ["warning: token_embd.weight - ncols 64 not divisible by 128 (required for type q1_0) ",
        "llama_model_quantize: failed to quantize: no tensor type fallback is defined for type q1_0"];
    assert.equal(failureReason(lines), "no tensor type fallback is defined for type q1_0");
    assert.equal(failureReason(["all good"]), undefined);
    assert.ok(looksLikeWriteFailure("basic_ios::clear: iostream error"));
    assert.ok(!looksLikeWriteFailure("requantizing from type q4_K is disabled"));
});

test("progress is weighted by element count, not tensor count", () => {
    const progress = new QuantizeProgress([tensor("big", [1000, 1000]), tensor("norm", [1000], 0), tensor("small", [1000, 8])]);
    const line = (i: number, name: string) => `[ ${i}/ 3] ${name} - [1000, 1, 1, 1], type = f16, converting to q8_0 .. `;
    assert.equal(progress.onLine(line(1, "big")), undefined, "nothing is done when the first tensor starts");
    const afterBig = progress.onLine(line(2, "norm"));
    assert.ok(afterBig != null && afterBig > 0.98, `the big tensor is ~99% of the work, got ${afterBig}`);
    const afterNorm = progress.onLine(line(3, "small"));
    assert.ok(afterNorm != null && afterNorm > afterBig);
    assert.equal(progress.onLine("some other line"), undefined);
});

test("the dry-run plan sums each tensor at its planned type, padded", () => {
    const h = header([tensor("a", [256, 256]), tensor("norm", [256], 0)]);
    const plan = planFromDryRun(h, [
        "[   1/   2] a                                    - [   256,    256,      1,      1], type =    f16, size =     0.12 MiB ->     0.04 MiB (q4_K)",
        "[   2/   2] norm                                 - [   256,      1,      1,      1], type =    f32, size =    0.001 MiB"
    ]);
    const q4kBytes = 256 * 144; // 256 rows of one 144-byte Q4_K block each
    assert.equal(plan.predictedBytes, 1024 + q4kBytes + 1024);
    assert.ok(Math.abs(plan.bitsPerWeight - ((q4kBytes + 1024) * 8) / (256 * 256 + 256)) < 1e-9);
    assert.equal(plan.needsImatrix, false);
    const needs = planFromDryRun(h, ["llama_model_quantize_impl: WARNING: dry run completed successfully, but actually completing this quantization will require an imatrix!"]);
    assert.equal(needs.needsImatrix, true);
});

test("quantization type names: canonical, aliases, any case; imatrix types are not offered", () => {
    assert.equal(findQuantType("q4_k_m")?.ftype, 15);
    assert.equal(findQuantType("Q4_K")?.name, "Q4_K_M");
    assert.equal(findQuantType("q8_0")?.ftype, 7);
    assert.equal(findQuantType("Q9_9"), undefined);
    assert.equal(findQuantType("COPY"), undefined, "llama-quantize's COPY is not a quantization");
    assert.ok(offeredQuantTypes().every((t) => !t.needsImatrix));
    assert.ok(offeredQuantTypes().some((t) => t.name === "IQ4_XS"));
    assert.ok(!offeredQuantTypes().some((t) => t.name === "IQ2_XXS"));
    const ftypes = allQuantTypes().map((t) => t.ftype);
    assert.equal(new Set(ftypes).size, ftypes.length, "no two names share an ftype");
});

test("libllama is found in node-llama-cpp's prebuilt packages, CPU build first", (t) => {
    const libraries = findLlamaLibraries();
    if (process.platform !== "linux" || process.arch !== "x64") {
        t.skip("the package layout is only checked on linux-x64 here");
        return;
    }
    assert.ok(libraries.length >= 1);
    assert.match(libraries[0]!, /@node-llama-cpp\/linux-x64\/bins\/linux-x64\/libllama[^/]*\.so$/);
    assert.ok(libraries.every((path) => !/llama-common|llama-addon/.test(path)));
    assert.deepEqual(findLlamaLibraries(join(tmpdir(), "no-such-node-modules")), []);
});

test("stray partial files are swept when their writer is gone or they are stale, never live ones", async () => {
    const dir = await mkdtemp(join(tmpdir(), "qp-sweep-"));
    const dead = partialPathFor(join(dir, "a.gguf"), 111);
    const live = partialPathFor(join(dir, "b.gguf"), 222);
    const stale = partialPathFor(join(dir, "c.gguf"), 222);
    const unrelated = join(dir, "download.partial");
    for (const path of [dead, live, stale, unrelated])
        await writeFile(path, "x");
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(stale, twoHoursAgo, twoHoursAgo);
    const removed = await sweepPartialFiles([dir, join(dir, "missing")], {isAlive: (pid) => pid === 222});
    assert.deepEqual(removed.sort(), [dead, stale].sort());
    assert.deepEqual((await readdir(dir)).sort(), ["b.gguf.222.partial", "download.partial"]);
    await rm(dir, {recursive: true});
});

test("cache and report temporary files are swept like partial models; a user's own .tmp file never is", async () => {
    const dir = await mkdtemp(join(tmpdir(), "qp-sweep-"));
    await mkdir(join(dir, "0123abcd"));
    const dead = [join(dir, "0123abcd", "w-512-ab.bin.111.tmp"), join(dir, "0123abcd", "answers.json.111.tmp"), join(dir, "run.json.111.tmp")];
    const live = join(dir, "0123abcd", "w-512-cd.bin.222.tmp");
    const mine = [join(dir, "notes.tmp"), join(dir, "data.111.tmp"), join(dir, "0123abcd", "w-512-ab.bin")];
    const oldBare = join(dir, "old.json.tmp");
    for (const path of [...dead, live, ...mine, oldBare])
        await writeFile(path, "x");
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(oldBare, twoHoursAgo, twoHoursAgo);
    await utimes(mine[0]!, twoHoursAgo, twoHoursAgo);
    const removed = await sweepPartialFiles([dir], {isAlive: (pid) => pid === 222, subfolders: true});
    assert.deepEqual(removed.sort(), [...dead, oldBare].sort());
    assert.ok(isLeftoverName("m.gguf.5.partial") && isLeftoverName("m.gguf.partial") && !isLeftoverName("m.gguf") && !isLeftoverName("m.partial.gguf"));
    await rm(dir, {recursive: true});
});

test("folders quantizations wrote to are remembered, newest first, and a damaged record is empty", async () => {
    const state = await mkdtemp(join(tmpdir(), "qp-state-"));
    assert.deepEqual(await recordedQuantizeDirs(state), []);
    await recordQuantizeDir(state, "/a");
    await recordQuantizeDir(state, "/b");
    await recordQuantizeDir(state, "/a");
    assert.deepEqual(await recordedQuantizeDirs(state), ["/a", "/b"]);
    await writeFile(join(state, "quantize-output-dirs.json"), "{not json");
    assert.deepEqual(await recordedQuantizeDirs(state), []);
    await rm(state, {recursive: true});
});

test("a partial download is kept for its resume, unless nobody resumed it for two weeks", async () => {
    const dir = await mkdtemp(join(tmpdir(), "qp-downloads-"));
    const staging = join(dir, STAGING_DIR);
    await mkdir(staging);
    const fresh = join(staging, "model.gguf.ipull");
    const abandoned = join(staging, "old.gguf.ipull");
    await writeFile(fresh, "partial");
    await writeFile(abandoned, "partial");
    const fifteenDaysAgo = new Date(Date.now() - 15 * 24 * 3600_000);
    await utimes(abandoned, fifteenDaysAgo, fifteenDaysAgo);
    assert.deepEqual(await sweepAbandonedDownloads(dir), [abandoned]);
    assert.deepEqual(await readdir(staging), ["model.gguf.ipull"]);
    assert.deepEqual(await sweepAbandonedDownloads(join(dir, "missing")), [], "a models folder without downloads is fine");
    await rm(dir, {recursive: true});
});

test("a library that is not this release's libllama is refused with a reason", async () => {
    const {bindLlamaQuantize} = await import("../../src/quant/llamaQuantizeBinding");
    assert.throws(() => bindLlamaQuantize(join(tmpdir(), "no-such-libllama.so"), () => undefined), /could not load/);
    if (process.platform === "linux")
        assert.throws(() => bindLlamaQuantize("libm.so.6", () => undefined), /lacks a function QuantPilot needs/);
});
