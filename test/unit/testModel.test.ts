import {test} from "node:test";
import assert from "node:assert/strict";
import {mkdtemp, readFile, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {makeGeneratedModel} from "../../src/gguf/generatedModel";
import {readGgufHeader, metaArray, metaNumber, metaString} from "../../src/gguf/ggufReader";
import {byteToUnicodeTable, trainByteLevelBpe} from "../../src/gguf/byteLevelBpe";
import {tinyQwenVocab} from "../../src/gguf/generatedVocab";
import {fimTokensInFile} from "../../src/engine/fimTokens";
import {llamaSource} from "../helpers/testModels";

test("the same seed writes a byte-identical model; another seed does not", async () => {
    const dir = await mkdtemp(join(tmpdir(), "qp-model-"));
    const [a, b, c] = ["a", "b", "c"].map((n) => join(dir, `${n}.gguf`));
    await makeGeneratedModel({outPath: a!, seed: 5, source: llamaSource});
    await makeGeneratedModel({outPath: b!, seed: 5, source: llamaSource});
    await makeGeneratedModel({outPath: c!, seed: 6, source: llamaSource});
    const [bytesA, bytesB, bytesC] = await Promise.all([a!, b!, c!].map((p) => readFile(p)));
    assert.ok(bytesA!.equals(bytesB!));
    assert.ok(!bytesA!.equals(bytesC!));
    assert.ok(bytesA!.length > 100_000 && bytesA!.length < 1_000_000, `tiny is a few hundred KB, got ${bytesA!.length}`);
    await rm(dir, {recursive: true});
});

test("the tiny preset declares qwen2, a byte-level BPE vocabulary, FIM tokens and a tool-capable template", async () => {
    const dir = await mkdtemp(join(tmpdir(), "qp-model-"));
    const path = join(dir, "tiny.gguf");
    await makeGeneratedModel({outPath: path, source: llamaSource});
    const header = await readGgufHeader(path);
    assert.equal(metaString(header, "general.architecture"), "qwen2");
    assert.equal(metaString(header, "tokenizer.ggml.model"), "gpt2");
    assert.equal(metaString(header, "tokenizer.ggml.pre"), "qwen2");
    assert.match(metaString(header, "general.name")!, /random weights/);
    const tokens = metaArray(header, "tokenizer.ggml.tokens") as string[];
    const fim = fimTokensInFile(header)!;
    assert.equal(tokens[fim.prefix], "<|fim_prefix|>");
    assert.equal(tokens[fim.suffix], "<|fim_suffix|>");
    assert.equal(tokens[fim.middle], "<|fim_middle|>");
    assert.equal(tokens[fim.pad!], "<|fim_pad|>");
    assert.equal(tokens[fim.repoName!], "<|repo_name|>");
    assert.equal(tokens[fim.fileSep!], "<|file_sep|>");
    assert.equal(tokens[metaNumber(header, "tokenizer.ggml.eos_token_id")!], "<|endoftext|>");
    assert.match(metaString(header, "tokenizer.chat_template")!, /tools/);
    assert.equal(new Set(tokens).size, tokens.length, "no duplicate tokens");
    await rm(dir, {recursive: true});
});

test("byte-level BPE covers every byte and learns merges deterministically", () => {
    const table = byteToUnicodeTable();
    assert.equal(new Set(table).size, 256);
    assert.equal(table[0x41], "A");
    assert.equal(table[0x20], "\u0120", "space maps to Ġ as in GPT-2");
    const first = trainByteLevelBpe("aaab aaab aaab", 3);
    const second = trainByteLevelBpe("aaab aaab aaab", 3);
    assert.deepEqual(first, second);
    assert.equal(first.merges[0], "a a");
    const vocab = tinyQwenVocab();
    assert.ok(vocab.tokens.length > 300 && vocab.tokens.length < 1000);
    assert.ok(vocab.speakable(vocab.tokens.indexOf("A")));
    assert.ok(!vocab.speakable(vocab.fim!.prefix), "special tokens are never emitted by the random model");
});
