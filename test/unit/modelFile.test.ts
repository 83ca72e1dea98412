import {test} from "node:test";
import assert from "node:assert/strict";
import {mkdtemp, writeFile, rm, readFile, mkdir} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {inspectModelFile} from "../../src/engine/modelFile";
import {ModelFileError, UnsupportedModelError} from "../../src/engine/errors";
import {writeGguf} from "../../src/gguf/ggufWriter";
import {str, stringArray, u32} from "../../src/gguf/ggufValue";
import {GGML_TYPE_F32} from "../../src/gguf/ggmlTypes";
import {testModel} from "../helpers/testModels";

const oneTensor = [{name: "token_embd.weight", dims: [4, 2], type: GGML_TYPE_F32, data: () => [new Uint8Array(32)]}];

async function withDir(run: (dir: string) => Promise<void>): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), "qp-file-"));
    try {
        await run(dir);
    } finally {
        await rm(dir, {recursive: true});
    }
}

test("a generated model passes the checks and is described from its header", async () => {
    const facts = await inspectModelFile(await testModel("tiny"), new Set(["qwen2"]));
    assert.equal(facts.architecture, "qwen2");
    assert.equal(facts.fileType, "F16");
    assert.ok(facts.bitsPerWeight > 15.9 && facts.bitsPerWeight < 16.5);
    assert.ok(facts.fim != null);
    assert.equal(facts.templateSupportsTools, true);
    assert.equal(facts.contextLength, 4096);
});

test("missing files, folders and non-GGUF files get a clear reason", async () => {
    await withDir(async (dir) => {
        await assert.rejects(inspectModelFile(join(dir, "nope.gguf")), (e: Error) => e instanceof ModelFileError && /does not exist/.test(e.message));
        await mkdir(join(dir, "folder.gguf"));
        await assert.rejects(inspectModelFile(join(dir, "folder.gguf")), /is a folder/);
        await writeFile(join(dir, "notes.gguf"), "# notes");
        await assert.rejects(inspectModelFile(join(dir, "notes.gguf")), /not a GGUF file/);
    });
});

test("a truncated model is refused before llama.cpp reads past its end", async () => {
    await withDir(async (dir) => {
        const bytes = await readFile(await testModel("tiny"));
        const path = join(dir, "cut.gguf");
        await writeFile(path, bytes.subarray(0, bytes.length - 1000));
        await assert.rejects(inspectModelFile(path), /truncated: its tensors need \d+ bytes but the file has \d+/);
        await writeFile(path, bytes.subarray(0, 5000));
        await assert.rejects(inspectModelFile(path), /truncated/);
    });
});

test("a vocabulary with a duplicate token is refused instead of crashing llama.cpp", async () => {
    await withDir(async (dir) => {
        const path = join(dir, "dup.gguf");
        await writeGguf(path, new Map([
            ["general.architecture", str("qwen2")],
            ["tokenizer.ggml.model", str("gpt2")],
            ["tokenizer.ggml.tokens", stringArray(["a", "b", "a"])],
            ["tokenizer.ggml.merges", stringArray([])]
        ]), oneTensor);
        await assert.rejects(inspectModelFile(path), /lists the token "a" twice/);
    });
});

test("unknown architectures, out-of-range token ids and missing vocabularies are refused", async () => {
    await withDir(async (dir) => {
        const arch = join(dir, "arch.gguf");
        await writeGguf(arch, new Map([["general.architecture", str("qwen99")], ["tokenizer.ggml.tokens", stringArray(["a"])]]), oneTensor);
        await assert.rejects(inspectModelFile(arch, new Set(["qwen2", "llama"])), (e: Error) => e instanceof UnsupportedModelError && /"qwen99" is unknown/.test(e.message));
        const ids = join(dir, "ids.gguf");
        await writeGguf(ids, new Map([
            ["general.architecture", str("llama")],
            ["tokenizer.ggml.model", str("llama")],
            ["tokenizer.ggml.tokens", stringArray(["a", "b"])],
            ["tokenizer.ggml.eos_token_id", u32(9)]
        ]), oneTensor);
        // llama.cpp ignores a special token id past the vocabulary and loads the file, so it is no reason to refuse it.
        assert.equal((await inspectModelFile(ids)).vocabularySize, 2);
        const novocab = join(dir, "novocab.gguf");
        await writeGguf(novocab, new Map([["general.architecture", str("llama")]]), oneTensor);
        await assert.rejects(inspectModelFile(novocab), /no tokenizer vocabulary/);
        const notensors = join(dir, "vocab-only.gguf");
        await writeGguf(notensors, new Map([["general.architecture", str("llama")], ["tokenizer.ggml.tokens", stringArray(["a"])]]), []);
        await assert.rejects(inspectModelFile(notensors), /holds no tensors/);
    });
});
