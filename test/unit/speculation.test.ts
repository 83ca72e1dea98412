import {test} from "node:test";
import assert from "node:assert/strict";
import type {Token, TokenPredictor} from "node-llama-cpp";
import {predictorFor, speculationStats} from "../../src/engine/speculative/speculation";
import {SwitchablePredictor} from "../../src/engine/speculative/switchablePredictor";
import {vocabularyMismatch, type VocabularyFingerprint} from "../../src/engine/speculative/vocabularyFingerprint";

const QWEN: VocabularyFingerprint = {model: "gpt2", pre: "qwen2", tokenCount: 151936, tokensHash: "a"};

test("stats count accepted and rejected guesses of one request, and tokens per model step", () => {
    const stats = speculationStats("promptLookup", {used: 10, validated: 12, refuted: 3}, {used: 40, validated: 45, refuted: 9}, 60);
    assert.deepEqual(stats, {predictor: "promptLookup", accepted: 33, rejected: 6, acceptance: 33 / 39, tokensPerStep: 2});
});

test("without guesses acceptance is unknown and each step makes one token", () => {
    const counters = {used: 5, validated: 5, refuted: 1};
    assert.deepEqual(speculationStats("none", counters, counters, 20), {predictor: "none", accepted: 0, rejected: 0, acceptance: null, tokensPerStep: 1});
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
