import {test} from "node:test";
import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import {join} from "node:path";
import {PROMPT_BATCH_MIN_TOKENS, servingThreadsOf, usePhaseThreads} from "../../src/threads/applyThreads";
import {probeThreads} from "../../src/threads/measureThreads";
import {ThreadTuner} from "../../src/threads/threadTuner";
import {TEST_LOAD_OPTIONS, newTestEngine, testRuntime} from "../helpers/engine";
import {recordingLogger} from "../helpers/recordingLogger";
import {testModel} from "../helpers/testModels";
import {tempDir} from "../helpers/tempDir";

async function tinyModel() {
    const llama = await testRuntime().get("cpu");
    return llama.loadModel({modelPath: await testModel("tiny")});
}

test("prompt batches run with the prompt thread count and decode steps with the decode count", async () => {
    const model = await tinyModel();
    const context = await model.createContext({contextSize: 256, threads: 1, sequences: 1});
    try {
        const threads = usePhaseThreads(context, {prompt: 2, decode: 1});
        assert.ok(threads != null, "node-llama-cpp's internals changed: the adapter in src/threads/applyThreads.ts needs updating");
        const sequence = context.getSequence();
        const prompt = model.tokenize("def add(a, b):\n    return a + b\n\nprint(add(1, 2))\n".repeat(3), false);
        assert.ok(prompt.length >= PROMPT_BATCH_MIN_TOKENS);
        await sequence.evaluateWithoutGeneratingNewTokens(prompt);
        assert.equal(context.currentThreads, 2, "the prompt batch ran on the prompt threads");
        await sequence.evaluateWithoutGeneratingNewTokens([prompt[0]!]);
        assert.equal(context.currentThreads, 1, "the single-token step ran on the decode threads");
        threads.set({prompt: 1, decode: 2});
        await sequence.evaluateWithoutGeneratingNewTokens([prompt[1]!]);
        assert.equal(context.currentThreads, 2, "changed counts apply to the next step");
        threads.set({prompt: 0, decode: -1});
        assert.deepEqual(threads.counts, {prompt: 1, decode: 1}, "invalid counts become 1");
    } finally {
        await context.dispose();
        await model.dispose();
    }
});

test("the engine installs phase threads on the serving context and reports both counts", async () => {
    const engine = newTestEngine();
    try {
        const description = await engine.load(await testModel("tiny"), {...TEST_LOAD_OPTIONS, threads: 1, decodeThreads: 1});
        assert.equal(description.runtime.decodeThreads, 1);
        const serving = servingThreadsOf(engine.loaded!.model);
        assert.deepEqual(serving?.counts, {prompt: 1, decode: 1});
    } finally {
        await engine.dispose();
    }
});

test("the thread probe measures every candidate, and stops when cancelled", async () => {
    const model = await tinyModel();
    try {
        const result = await probeThreads({model, candidates: {prompt: [1, 2], decode: [1, 2]}, promptTokens: 32, decodeTokens: 4, maxRounds: 1});
        assert.deepEqual(result.prompt.map((s) => s.threads), [1, 2]);
        assert.deepEqual(result.decode.map((s) => s.threads), [1, 2]);
        assert.ok(result.prompt.every((s) => s.tokensPerSecond > 0) && result.decode.every((s) => s.tokensPerSecond > 0));
        assert.ok([1, 2].includes(result.bestPrompt!) && [1, 2].includes(result.bestDecode!));
        const controller = new AbortController();
        controller.abort();
        await assert.rejects(probeThreads({model, candidates: {prompt: [1], decode: [1]}, signal: controller.signal}), {name: "AbortError"});
    } finally {
        await model.dispose();
    }
});

test("the tuner measures once per machine and model size, then reuses the result until forced", async () => {
    const engine = newTestEngine();
    const cacheFile = join(tempDir("threads"), "thread-policy.json");
    const log = recordingLogger();
    try {
        const description = await engine.load(await testModel("tiny"), TEST_LOAD_OPTIONS);
        const model = engine.loaded!.model;
        const tuner = new ThreadTuner({cacheFile, log, cores: 2});
        const facts = {build: description.runtime.build, gpu: description.runtime.gpu, modelBytes: description.sizeBytes};
        const settings = {threads: 0};
        const probe = {promptTokens: 32, decodeTokens: 4, budgetMs: 0};
        const first = await tuner.tune(model, settings, facts, probe);
        assert.ok(first.probe != null, "first run measures");
        assert.match(first.plan.why.prompt, /measured fastest/);
        assert.deepEqual(servingThreadsOf(model)?.counts, {prompt: first.plan.prompt, decode: first.plan.decode}, "applied to the serving context");
        const second = await tuner.tune(model, settings, facts, probe);
        assert.equal(second.probe, undefined, "cached: no second probe");
        assert.ok((await tuner.tune(model, settings, facts, {...probe, force: true})).probe != null, "on demand it measures again");
        assert.equal(Object.keys(JSON.parse(readFileSync(cacheFile, "utf8")) as object).length, 1);
        await tuner.tune(model, settings, {...facts, modelBytes: facts.modelBytes * 64}, probe);
        assert.equal(Object.keys(JSON.parse(readFileSync(cacheFile, "utf8")) as object).length, 2, "another size class is measured separately");
        const fixed = await tuner.tune(model, {threads: 64}, facts, probe);
        assert.deepEqual({prompt: fixed.plan.prompt, decode: fixed.plan.decode}, {prompt: 2, decode: 2});
        assert.ok(log.lines.some((l) => /warn: Threads: quantpilot\.threads = 64 is more than the 2 physical cores; clamped to 2/.test(l)));
    } finally {
        await engine.dispose();
    }
});
