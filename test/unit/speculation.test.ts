import {test} from "node:test";
import assert from "node:assert/strict";
import type {LlamaContextSequence, Token, TokenPredictor} from "node-llama-cpp";
import {GuessBudget} from "../../src/engine/speculative/guessBudget";
import {speculativeSteps} from "../../src/engine/speculative/speculativeSteps";
import {predictorFor, speculationStats} from "../../src/engine/speculative/speculation";
import {SwitchablePredictor} from "../../src/engine/speculative/switchablePredictor";
import {vocabularyMismatch, type VocabularyFingerprint} from "../../src/engine/speculative/vocabularyFingerprint";

const QWEN: VocabularyFingerprint = {model: "gpt2", pre: "qwen2", tokenCount: 151936, tokensHash: "a"};

test("stats count accepted and rejected guesses of one request, and tokens per model step", () => {
    const stats = speculationStats("promptLookup", {steps: 30, accepted: 33, rejected: 6}, 60);
    assert.deepEqual(stats, {predictor: "promptLookup", accepted: 33, rejected: 6, acceptance: 33 / 39, tokensPerStep: 2});
});

test("without guesses acceptance is unknown and each step makes one token", () => {
    assert.deepEqual(speculationStats("none", {steps: 0, accepted: 0, rejected: 0}, 20), {predictor: "none", accepted: 0, rejected: 0, acceptance: null, tokensPerStep: 1});
});

test("each mode picks its predictor; draft modes fall back when no draft is loaded", () => {
    assert.equal(predictorFor("off", true), "none");
    assert.equal(predictorFor("promptLookup", true), "promptLookup");
    assert.equal(predictorFor("draftModel", true), "draftModel");
    assert.equal(predictorFor("draftModel", false), "none");
    assert.equal(predictorFor("auto", true), "draftModel");
    assert.equal(predictorFor("auto", false), "promptLookup");
});

test("vocabularies must match in tokenizer, size, token list and pre-tokenizer", () => {
    assert.equal(vocabularyMismatch(QWEN, {...QWEN}), undefined);
    assert.match(vocabularyMismatch(QWEN, {...QWEN, model: "llama"})!, /tokenizer is "llama", the model's is "gpt2"/);
    assert.match(vocabularyMismatch(QWEN, {...QWEN, tokenCount: 32000})!, /32000 tokens, the model has 151936/);
    assert.match(vocabularyMismatch(QWEN, {...QWEN, tokensHash: "b"})!, /token list differs/);
    assert.match(vocabularyMismatch(QWEN, {...QWEN, pre: "llama3"})!, /splits text differently/);
    assert.match(vocabularyMismatch(QWEN, {...QWEN, tokenCount: 0})!, /no token list/);
});

/** A predictor that records what it was asked and always guesses `guess`. */
class RecordingPredictor implements TokenPredictor {
    readonly calls: string[] = [];
    input: Token[] = [];
    constructor(private readonly guess: Token[]) {}
    reset(): void {
        this.calls.push("reset");
    }
    pushTokens(tokens: Token[]): void {
        this.calls.push(`push ${tokens.join(",")}`);
    }
    predictTokens(): Token[] {
        return this.guess;
    }
    stop(): void {
        this.calls.push("stop");
    }
    updateInputTokens(tokens: Token[]): void {
        this.input = tokens;
    }
    dispose(): void {
        this.calls.push("dispose");
    }
    [Symbol.dispose](): void {
        this.dispose();
    }
}

test("the switch hands each request's work to the predictor it asked for, or guesses nothing", () => {
    const lookup = new RecordingPredictor([1 as Token]);
    const draft = new RecordingPredictor([2 as Token]);
    const predictor = new SwitchablePredictor(lookup, draft);
    predictor.use("promptLookup", [7, 8, 9] as Token[]);
    assert.deepEqual(predictor.predictTokens(), [1]);
    assert.deepEqual(lookup.input, [7, 8, 9]);
    predictor.use("draftModel", [7] as Token[]);
    assert.deepEqual(predictor.predictTokens(), [2]);
    assert.ok(lookup.calls.includes("stop"), "the predictor switched away from is stopped");
    predictor.pushTokens([5 as Token]);
    assert.deepEqual(draft.calls, ["push 5"]);
    predictor.use("none", []);
    assert.deepEqual(predictor.predictTokens(), []);
});

test("asking for the draft model without one guesses nothing", () => {
    const predictor = new SwitchablePredictor(new RecordingPredictor([1 as Token]), undefined);
    assert.equal(predictor.hasDraft, false);
    predictor.use("draftModel", [1] as Token[]);
    assert.deepEqual(predictor.predictTokens(), []);
});

/** A model whose greedy pick depends only on the token before it; its KV cache is a token list. */
class FakeSequence {
    contextTokens: Token[] = [];
    readonly context = {contextSize: 512};
    evaluations: number[] = [];
    get nextTokenIndex(): number {
        return this.contextTokens.length;
    }
    static pick(token: Token): Token {
        return ((token * 7 + 3) % 50) as Token;
    }
    async controlledEvaluate(input: [Token, unknown][]) {
        this.evaluations.push(input.length);
        this.contextTokens.push(...input.map(([token]) => token));
        return input.map(([token]) => ({next: {token: FakeSequence.pick(token)}}));
    }
    async eraseContextTokenRanges(ranges: {start: number; end: number}[]) {
        for (const {start, end} of ranges)
            this.contextTokens.splice(start, end - start);
    }
}

/** Guesses the true continuation, except every third call, when it guesses a wrong run. */
class SometimesRightPredictor extends RecordingPredictor {
    private last = 0 as Token;
    private call = 0;
    constructor() {
        super([]);
    }
    override pushTokens(tokens: Token[]): void {
        super.pushTokens(tokens);
        this.last = tokens[tokens.length - 1]!;
    }
    override predictTokens(): Token[] {
        const guesses: Token[] = [];
        let token = FakeSequence.pick(this.last);
        for (let i = 0; i < 6; i++) {
            guesses.push(token);
            token = FakeSequence.pick(token);
        }
        if (++this.call % 3 === 0)
            guesses[2] = 49 as Token;
        return guesses;
    }
    guessUpTo(limit: number): Token[] {
        return this.predictTokens().slice(0, limit);
    }
}

test("checked guesses give the plain greedy tokens; refuted ones leave the KV cache", async () => {
    const sequence = new FakeSequence();
    sequence.contextTokens = [5, 6] as Token[];
    const predictor = new SometimesRightPredictor();
    const counts = {steps: 0, accepted: 0, rejected: 0};
    const budget = new GuessBudget({maxGuesses: 6, initialAcceptance: 1, initialGuessCostShare: 0});
    const produced: Token[] = [];
    const steps = speculativeSteps(sequence as unknown as LlamaContextSequence, 7 as Token, predictor, budget, counts);
    for await (const decided of steps) {
        produced.push(...decided);
        if (produced.length >= 40)
            break;
    }
    const greedy: Token[] = [];
    for (let token = 7 as Token; greedy.length < produced.length;)
        greedy.push(token = FakeSequence.pick(token));
    assert.deepEqual(produced, greedy);
    // The cache holds the prompt and every decided token but the last (not evaluated yet).
    assert.deepEqual(sequence.contextTokens, [5, 6, 7, ...greedy.slice(0, -1)]);
    assert.ok(counts.accepted > 0 && counts.rejected > 0, JSON.stringify(counts));
    assert.equal(counts.steps, sequence.evaluations.length);
    assert.ok(counts.steps < produced.length / 2, `${counts.steps} steps for ${produced.length} tokens`);
    assert.ok(predictor.calls.includes("stop"), "the predictor is stopped when generation ends");
});
