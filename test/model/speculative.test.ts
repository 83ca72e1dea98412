import {after, before, test} from "node:test";
import assert from "node:assert/strict";
import {copyFile, mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {CompletionRequest} from "../../src/completion/completionRequest";
import {LocalEngine} from "../../src/engine/localEngine";
import {estimateMemory} from "../../src/engine/memoryFit";
import type {PredictorKind, SpeculationOptions} from "../../src/engine/speculative/speculation";
import {silentLogger} from "../../src/util/logger";
import {completer, testRuntime, TEST_LOAD_OPTIONS} from "../helpers/engine";
import {testModel} from "../helpers/testModels";
import {lastJsonLine, runCli} from "../helpers/cli";

/** Code that repeats itself, so prompt lookup finds what follows the last tokens in the prompt. */
const FUNCTION = "def total_price(items, tax_rate):\n    subtotal = 0\n    for item in items:\n        subtotal += item.price * item.quantity\n    return subtotal * (1 + tax_rate)\n";
const REQUESTS: readonly CompletionRequest[] = [
    {prefix: `${FUNCTION}\n\n# the same function again\n${FUNCTION.slice(0, 40)}`, suffix: "\n", maxTokens: 48, raw: true},
    {prefix: `${FUNCTION}\n\ndef total_price_twice(items, tax_rate):\n    subtotal = 0\n    for item in items:\n`, suffix: "", maxTokens: 48, raw: true},
    {prefix: "x = [1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2", suffix: "]\n", maxTokens: 32, raw: true},
    {prefix: "import math\n\ndef area(r):\n    return math.pi * r * r\n\ndef", suffix: "\n", maxTokens: 40, raw: true}
];

let dir: string;
let target: string;
let draft: string;

before(async () => {
    dir = await mkdtemp(join(tmpdir(), "quantpilot-speculative-"));
    target = join(dir, "small.gguf");
    draft = join(dir, "tiny.gguf");
    await copyFile(await testModel("small"), target);
    await copyFile(await testModel("tiny"), draft);
});

after(async () => {
    await testRuntime().dispose();
    await rm(dir, {recursive: true, force: true});
});

function newEngine(freeMemory?: () => number): LocalEngine {
    return new LocalEngine(testRuntime(), silentLogger, freeMemory != null ? {freeMemory} : {});
}

async function loaded(speculation: SpeculationOptions, freeMemory?: () => number): Promise<LocalEngine> {
    const engine = newEngine(freeMemory);
    await engine.load(target, {...TEST_LOAD_OPTIONS, speculation});
    return engine;
}

async function outputs(engine: LocalEngine, predictor: PredictorKind, requests: readonly CompletionRequest[] = REQUESTS) {
    const results = [];
    for (const request of requests)
        results.push(await completer(engine).complete({...request, predictor}));
    return results;
}

/**
 * Requests whose prompts hold what the model generates: the plain output of each request, put
 * before the request's own text, so prompt lookup has right guesses to make (the generated
 * models write nonsense that would otherwise appear nowhere in a prompt).
 */
async function echoingRequests(engine: LocalEngine): Promise<CompletionRequest[]> {
    const plain = await outputs(engine, "none");
    return REQUESTS.map((request, i) => ({...request, prefix: `${request.prefix}${plain[i]!.rawText}\n${request.prefix}`}));
}

function guesses(results: readonly {speculation?: {accepted: number; rejected: number}}[]): {accepted: number; rejected: number} {
    return results.reduce((n, r) => ({accepted: n.accepted + (r.speculation?.accepted ?? 0), rejected: n.rejected + (r.speculation?.rejected ?? 0)}), {accepted: 0, rejected: 0});
}

test("prompt lookup gives the same tokens as plain greedy decoding, with guesses accepted and rejected", async () => {
    const engine = await loaded({mode: "promptLookup"});
    const requests = [...REQUESTS, ...await echoingRequests(engine)];
    const plain = await outputs(engine, "none", requests);
    const guessed = await outputs(engine, "promptLookup", requests);
    assert.deepEqual(guessed.map((r) => r.rawText), plain.map((r) => r.rawText));
    assert.deepEqual(guessed.map((r) => r.tokens), plain.map((r) => r.tokens));
    const {accepted, rejected} = guesses(guessed);
    assert.ok(accepted > 0 && rejected > 0, `accepted ${accepted}, rejected ${rejected}: the comparison must cover both`);
    // How many tokens a step yields is not asserted: the guess budget weighs acceptance against the
    // measured time of a guess, so on a loaded machine it guesses less (bench:speculative reports it).
    assert.ok(guessed.every((r) => r.speculation?.predictor === "promptLookup"));
    assert.ok(plain.every((r) => r.speculation?.predictor === "none" && r.speculation.accepted + r.speculation.rejected === 0));
    await engine.dispose();
});

test("a draft model that is the target itself has guesses accepted; output stays the same", async () => {
    const engine = await loaded({mode: "draftModel", draftModelPath: await testModel("small"), draftMinConfidence: 0});
    assert.equal(engine.model?.speculation?.predictor, "draftModel");
    const plain = await outputs(engine, "none");
    const drafted = await outputs(engine, "draftModel");
    assert.deepEqual(drafted.map((r) => r.rawText), plain.map((r) => r.rawText));
    const {accepted, rejected} = guesses(drafted);
    assert.ok(accepted > 50, `accepted ${accepted} of ${accepted + rejected}`);
    await engine.dispose();
});

test("a smaller model with the same vocabulary beside the target is picked as the draft; output stays the same", async () => {
    const engine = await loaded({mode: "draftModel"});
    const speculation = engine.model?.speculation;
    assert.equal(speculation?.draft?.fileName, "tiny.gguf");
    assert.equal(speculation?.predictor, "draftModel");
    const plain = await outputs(engine, "none");
    const drafted = await outputs(engine, "draftModel");
    assert.deepEqual(drafted.map((r) => r.rawText), plain.map((r) => r.rawText));
    await engine.dispose();
});

test("a draft model with another vocabulary is refused with one message; the model serves without it", async () => {
    const engine = await loaded({mode: "draftModel", draftModelPath: await testModel("llama-spm")});
    const speculation = engine.model?.speculation;
    assert.equal(speculation?.draft, undefined);
    assert.equal(speculation?.predictor, "none");
    assert.match(speculation?.notice ?? "", /^Draft model .*llama-spm.* is not used: its tokenizer is "llama", the model's is "gpt2"\. The model runs without it\.$/);
    const result = await completer(engine).complete({...REQUESTS[0]!, maxTokens: 4});
    assert.equal(result.tokens, 4);
    await engine.dispose();
});

test("a draft model that does not fit in RAM beside the target is refused with the numbers; the model serves", async () => {
    const llama = await testRuntime().get("cpu");
    const targetNeeds = (await estimateMemory(llama, target, TEST_LOAD_OPTIONS.contextSize)).ramBytes;
    const engine = await loaded({mode: "draftModel"}, () => targetNeeds + 1024);
    const speculation = engine.model?.speculation;
    assert.equal(speculation?.draft, undefined);
    assert.match(speculation?.notice ?? "", /^Draft model .*tiny\.gguf is not used: it needs about .* of RAM beside the model's .*, but only 1\.00 KB would be left\. The model runs without it\.$/);
    const result = await completer(engine).complete({...REQUESTS[0]!, maxTokens: 4});
    assert.equal(result.tokens, 4);
    await engine.dispose();
});

test("draftModel mode with no compatible model beside the target says so and serves without guessing", async () => {
    const alone = await mkdtemp(join(tmpdir(), "quantpilot-alone-"));
    const engine = newEngine();
    try {
        const path = join(alone, "small.gguf");
        await copyFile(target, path);
        await copyFile(await testModel("llama-spm"), join(alone, "other.gguf"));
        await engine.load(path, {...TEST_LOAD_OPTIONS, speculation: {mode: "draftModel"}});
        assert.match(engine.model?.speculation?.notice ?? "", /No draft model was found beside small\.gguf/);
        assert.equal(engine.model?.speculation?.predictor, "none");
    } finally {
        await engine.dispose();
        await rm(alone, {recursive: true, force: true});
    }
});

test("quantpilot complete --json reports the guessing of its request; --speculative checks its value", async () => {
    const complete = (prefix: string, mode: string) => runCli(["complete", target, "--prefix", prefix, "--suffix", "\n", "--max-tokens", "48",
        "--raw", "--threads", "1", "--context", "1024", "--speculative", mode, "--json"]);
    const first = REQUESTS[0]!.prefix;
    const plain = await complete(first, "off");
    assert.equal(plain.code, 0, plain.stderr);
    // The plain output put in the prompt gives prompt lookup guesses to make (see echoingRequests).
    const run = await complete(`${first}${lastJsonLine<{rawText: string}>(plain).rawText}\n${first}`, "promptLookup");
    assert.equal(run.code, 0, run.stderr);
    const result = lastJsonLine<{speculation: {predictor: string; accepted: number; rejected: number; acceptance: number | null; tokensPerStep: number}}>(run);
    assert.equal(result.speculation.predictor, "promptLookup");
    assert.ok(result.speculation.accepted + result.speculation.rejected > 0, JSON.stringify(result.speculation));
    const bad = await runCli(["complete", target, "--prefix", "x", "--speculative", "fast"]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /--speculative must be one of off, promptLookup, draftModel, auto, not "fast"/);
});
