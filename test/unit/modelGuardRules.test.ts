import {test} from "node:test";
import assert from "node:assert/strict";
import {execFile} from "node:child_process";
import {promisify} from "node:util";
import {chatTemplateProblem} from "../../src/engine/guard/chatTemplateCheck";
import {
    BPE_PRE_TOKENIZERS, MAX_EXPERTS, MAX_LAYERS, ROPE_SCALING_TYPES, TOKENIZER_MODELS
} from "../../src/engine/guard/llamaCppRules";
import {ModelRejectedError, oneLine} from "../../src/engine/guard/modelRejectedError";
import {firstDuplicateToken} from "../../src/engine/modelFile";
import {str, u32} from "../../src/gguf/ggufValue";
import {llamaSource} from "../helpers/testModels";

const run = promisify(execFile);

function quoted(source: string, pattern: RegExp): Set<string> {
    return new Set([...source.matchAll(pattern)].map((m) => m[1]!));
}

test("the guard's lists match what the bundled llama.cpp source accepts", async () => {
    const vocab = await llamaSource.readText("src/llama-vocab.cpp");
    assert.deepEqual(TOKENIZER_MODELS, quoted(vocab, /tokenizer_model == "([^"]+)"/g));
    const load = vocab.slice(vocab.indexOf("void llama_vocab::impl::load"), vocab.indexOf("cannot find tokenizer vocab"));
    assert.deepEqual(BPE_PRE_TOKENIZERS, quoted(load, /tokenizer_pre == "([^"]+)"/g));
    const model = await llamaSource.readText("src/llama-model.cpp");
    const ropeTable = model.slice(model.indexOf("LLAMA_ROPE_SCALING_TYPES = {"), model.indexOf("};", model.indexOf("LLAMA_ROPE_SCALING_TYPES = {")));
    assert.deepEqual(ROPE_SCALING_TYPES, quoted(ropeTable, /LLAMA_ROPE_SCALING_TYPE_\w+,\s*"([^"]+)"/g));
    const hparams = await llamaSource.readText("src/llama-hparams.h");
    assert.equal(MAX_LAYERS, Number(/#define LLAMA_MAX_LAYERS\s+(\d+)/.exec(hparams)?.[1]));
    assert.equal(MAX_EXPERTS, Number(/#define LLAMA_MAX_EXPERTS\s+(\d+)/.exec(hparams)?.[1]));
});

test("every chat template llama.cpp ships passes the template limits (no real model falls back)", async () => {
    const gitDir = await llamaSource.gitDir();
    const {stdout} = await run("git", ["--git-dir", gitDir, "ls-tree", "--name-only", "HEAD", "models/templates/"]);
    const files = stdout.split("\n").filter((f) => f.endsWith(".jinja"));
    assert.ok(files.length > 40, `${files.length} templates`);
    for (const file of files)
        assert.equal(chatTemplateProblem(str(await llamaSource.readText(file))), undefined, file);
});

test("templates that are too large, too deep or loop too long are not rendered", () => {
    const problem = (template: string) => chatTemplateProblem(str(template));
    assert.match(problem("{% if true %}".repeat(200_000) + "x" + "{% endif %}".repeat(200_000))!, /larger than any real template/);
    assert.match(problem("{% if true %}".repeat(100) + "x" + "{% endif %}".repeat(100))!, /blocks are nested more than 64 deep/);
    assert.match(problem(`{{ ${"(".repeat(1000)}1${")".repeat(1000)} }}`)!, /expressions are nested more than 64 deep/);
    assert.match(problem("{% for a in range(1000000) %}{% for b in range(1000000) %}{{ a }}{% endfor %}{% endfor %}")!, /loops 1000000 times/);
    assert.match(chatTemplateProblem(u32(7))!, /not text/);
    assert.equal(problem("{% set x = '((((((' %}{{ x }}{% for m in messages %}{{ m.content }}{% endfor %}"), undefined);
    assert.equal(chatTemplateProblem(undefined), undefined);
});

test("duplicate tokens are found as llama.cpp names them: empty tokens become [EMPTY_i]", () => {
    assert.equal(firstDuplicateToken(["a", "", "", "b"]), undefined);
    assert.equal(firstDuplicateToken(["", "[EMPTY_0]"]), "[EMPTY_0]");
    assert.equal(firstDuplicateToken(["x", "[EMPTY_2]", ""]), "[EMPTY_2]");
    assert.equal(firstDuplicateToken(["a", "b", "a"]), "a");
});

test("a refusal is always one line", () => {
    const error = new ModelRejectedError("/m.gguf", "llama.cpp refused it:\n  missing tensor\n'x'");
    assert.equal(error.message, "Cannot use model /m.gguf: llama.cpp refused it: missing tensor 'x'");
    assert.equal(oneLine("a".repeat(1000)).length, 400);
});
