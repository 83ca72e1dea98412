import {test} from "node:test";
import assert from "node:assert/strict";
import {mkdir, mkdtemp, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {logitsLibraries} from "../../src/ab/runner/logits/logitsLibraries";

const os = process.platform === "darwin" ? "mac" : process.platform === "win32" ? "win" : process.platform;
const prefix = `${os}-${process.arch === "arm" ? "armv7l" : process.arch}`;
const ext = process.platform === "darwin" ? "dylib" : process.platform === "win32" ? "dll" : "so";

async function fakeBins(root: string, pkg: string, files: string[], sub = pkg): Promise<string> {
    const dir = join(root, "@node-llama-cpp", pkg, "bins", sub);
    await mkdir(dir, {recursive: true});
    for (const file of files)
        await writeFile(join(dir, file), "");
    return dir;
}

test("the scoring process binds the libllama of the backend the run uses, a local engine build first", async () => {
    const root = await mkdtemp(join(tmpdir(), "qp-logits-libs-"));
    const cpu = await fakeBins(root, prefix, [`libllama.v0.4.0.${ext}`, `libggml.v0.4.0.${ext}`, `libggml-base.${ext}`, `libggml-cpu-haswell.${ext}`]);
    const cuda = await fakeBins(root, `${prefix}-cuda`, [`libllama.cuda.v0.4.0.${ext}`, `libggml.cuda.v0.4.0.${ext}`, `libggml-cuda.${ext}`]);
    const cudaExt = await fakeBins(root, `${prefix}-cuda-ext`, [], `${prefix}-cuda/fallback`);
    assert.deepEqual(logitsLibraries(false, undefined, root), [
        {llama: join(cpu, `libllama.v0.4.0.${ext}`), ggml: join(cpu, `libggml.v0.4.0.${ext}`), fallbackBackends: []}
    ], "the CPU build for a CPU run; libggml-base and the CPU variants are not the ggml library");
    assert.deepEqual(logitsLibraries("cuda", undefined, root), [
        {llama: join(cuda, `libllama.cuda.v0.4.0.${ext}`), ggml: join(cuda, `libggml.cuda.v0.4.0.${ext}`), fallbackBackends: [cudaExt]}
    ]);
    assert.deepEqual(logitsLibraries("vulkan", undefined, root), [], "no Vulkan build installed: nothing to bind (the run scores in-process)");
    const local = join(root, "localBuilds", "linux-x64-slot-a", "Release");
    await mkdir(local, {recursive: true});
    await writeFile(join(local, `libllama.${ext}`), "");
    await writeFile(join(local, `libggml.${ext}`), "");
    assert.equal(logitsLibraries(false, join(root, "localBuilds", "linux-x64-slot-a"), root)[0]!.llama, join(local, `libllama.${ext}`));
    await rm(root, {recursive: true});
});
