import {test} from "node:test";
import assert from "node:assert/strict";
import {mkdtemp, readFile, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {lastJsonLine, runCli} from "../helpers/cli";
import {testModel, thirdPartyFixture} from "../helpers/testModels";

function assertOneLineError(run: {code: number | null; stderr: string}, code: number, pattern: RegExp): void {
    assert.equal(run.code, code, run.stderr);
    const lines = run.stderr.trim().split("\n");
    assert.equal(lines.length, 1, `one line on stderr, got:\n${run.stderr}`);
    assert.match(lines[0]!, pattern);
}

test("make-test-model writes the same bytes for the same seed", async () => {
    const dir = await mkdtemp(join(tmpdir(), "qp-cli-"));
    const a = await runCli(["make-test-model", "--out", join(dir, "a.gguf"), "--seed", "3", "--json"]);
    const b = await runCli(["make-test-model", "--out", join(dir, "b.gguf"), "--seed", "3"]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(lastJsonLine(a).preset, "tiny");
    assert.ok((await readFile(join(dir, "a.gguf"))).equals(await readFile(join(dir, "b.gguf"))));
    await rm(dir, {recursive: true});
});

test("inspect --json reports what the header says", async () => {
    const run = await runCli(["inspect", await testModel("tiny"), "--json"]);
    assert.equal(run.code, 0, run.stderr);
    const info = lastJsonLine(run);
    assert.equal(info.architecture, "qwen2");
    assert.equal(info.fileType, "F16");
    assert.equal(info.fim, true);
    assert.equal(info.tools, true);
    assert.equal(info.contextLength, 4096);
    assert.ok((info.parameters as number) > 100_000);
    assert.ok((info.sizeBytes as number) > 200_000);
    const spm = lastJsonLine(await runCli(["inspect", await testModel("llama-spm"), "--json"]));
    assert.deepEqual([spm.architecture, spm.fim, spm.tools], ["llama", false, false]);
});

test("complete --json fills in the middle, deterministically", async () => {
    const args = ["complete", await testModel("tiny"), "--prefix", "def add(a, b):\n    ", "--suffix", "\n", "--max-tokens", "10", "--threads", "1", "--raw", "--json"];
    const first = await runCli(args);
    const second = await runCli(args);
    assert.equal(first.code, 0, first.stderr);
    const a = lastJsonLine(first);
    assert.deepEqual(Object.keys(a).filter((k) => ["text", "ttftMs", "tokens", "tokensPerSecond"].includes(k)).sort(), ["text", "tokens", "tokensPerSecond", "ttftMs"]);
    assert.equal(a.tokens, 10);
    assert.equal(typeof a.text, "string");
    assert.equal(a.text, lastJsonLine(second).text);
    // The prompt by part, counted with the model's tokenizer: the parts are the prompt the engine evaluated.
    const parts = a.promptParts as {tokens: Record<string, number>; caps: Record<string, number>; countedBy: string};
    assert.equal(parts.countedBy, "tokenizer");
    assert.deepEqual(Object.keys(parts.tokens).sort(), ["extraContext", "markers", "prefix", "suffix"]);
    assert.equal(Object.values(parts.tokens).reduce((x, y) => x + y, 0), a.promptTokens);
    assert.ok(parts.tokens.prefix! > 0);
    assert.deepEqual(parts.caps, {prefix: 1024, suffix: 256, extraContext: 1024});
});

test("bad input gets one clear line and a non-zero exit code", async () => {
    const dir = await mkdtemp(join(tmpdir(), "qp-cli-"));
    await writeFile(join(dir, "notes.gguf"), "plain text");
    const model = await readFile(await testModel("tiny"));
    await writeFile(join(dir, "cut.gguf"), model.subarray(0, model.length / 2));
    assertOneLineError(await runCli(["inspect", join(dir, "missing.gguf")]), 1, /the file does not exist/);
    assertOneLineError(await runCli(["inspect", join(dir, "notes.gguf")]), 1, /not a GGUF file/);
    assertOneLineError(await runCli(["inspect", join(dir, "cut.gguf")]), 1, /truncated/);
    assertOneLineError(await runCli(["inspect", dir]), 1, /is a folder/);
    assertOneLineError(await runCli(["inspect", await testModel("tiny"), "--bogus"]), 2, /Unknown option '--bogus'/);
    assertOneLineError(await runCli(["complete", await testModel("tiny"), "--prefix", "x", "--threads", "zero"]), 2, /--threads must be a whole number/);
    assertOneLineError(await runCli(["complete", join(dir, "cut.gguf"), "--prefix", "x"]), 1, /truncated/);
    assertOneLineError(await runCli(["make-test-model", "--out", join(dir, "x.gguf"), "--preset", "huge"]), 2, /--preset must be one of/);
    assertOneLineError(await runCli(["frobnicate"]), 2, /unknown command "frobnicate"/);
    await rm(dir, {recursive: true});
});

test("every command answers --help with exit code 0", async () => {
    for (const command of ["make-test-model", "inspect", "complete"]) {
        const run = await runCli([command, "--help"]);
        assert.equal(run.code, 0);
        assert.match(run.stdout, new RegExp(`Usage: quantpilot ${command}`));
    }
    const top = await runCli(["--help"]);
    assert.equal(top.code, 0);
    assert.match(top.stdout, /Commands:/);
});

test("a model without FIM tokens is refused by complete with the reason", async () => {
    const fixture = thirdPartyFixture() ?? await testModel("llama-spm");
    assertOneLineError(await runCli(["complete", fixture, "--prefix", "x", "--threads", "1"]), 1, /no fill-in-the-middle tokens/);
});
