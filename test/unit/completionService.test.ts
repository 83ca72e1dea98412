import {test} from "node:test";
import assert from "node:assert/strict";
import type {CompletionMetrics} from "../../src/completion/completionMetrics";
import {CompletionService, type CompletionSettings, type SuggestRequest} from "../../src/completion/completionService";
import type {CompletionBackend as Engine, CompletionRequest, CompletionResult, WarmResult} from "../../src/completion/completionRequest";
import type {ModelDescription} from "../../src/engine/modelDescription";
import {ModelNotCapableError} from "../../src/engine/errors";
import {abortError} from "../../src/util/abort";
import {silentLogger} from "../../src/util/logger";
import {IDLE_DELAY_MS} from "../../src/completion/idleWork";
import {fakeTime, type FakeTime} from "../helpers/fakeTime";

/**
 * An engine that "generates" a fixed answer per prefix, one character every `msPerChar` of fake
 * time, and honours aborts between characters like the real one.
 */
class FakeEngine implements Engine {
    readonly calls: CompletionRequest[] = [];
    readonly warmed: CompletionRequest[] = [];
    readonly aborted: string[] = [];
    readonly finished: string[] = [];
    failWith: Error | undefined;
    model = {path: "/m.gguf", hasFim: true} as ModelDescription;

    constructor(private readonly answer: (prefix: string) => string, private readonly msPerChar = 2) {}

    async complete(request: CompletionRequest): Promise<CompletionResult> {
        this.calls.push(request);
        if (this.failWith != null)
            throw this.failWith;
        const text = this.answer(request.prefix);
        for (let i = 1; i <= text.length; i++) {
            await new Promise((r) => setTimeout(r, this.msPerChar));
            if (request.signal?.aborted) {
                this.aborted.push(request.prefix);
                throw abortError();
            }
            request.onText?.(text.slice(0, i));
        }
        this.finished.push(request.prefix);
        const suggestions = request.count != null && request.count > 1 ? [text, text + "!"] : [text];
        return {
            text, suggestions, rawText: text, ttftMs: 1, tokens: text.length, tokensPerSecond: 100, promptTokensEvaluated: 3,
            promptTokensReused: 10, promptTokens: 13, stopReason: "eog", totalMs: text.length * this.msPerChar
        };
    }

    async warm(request: CompletionRequest): Promise<WarmResult> {
        this.warmed.push(request);
        return {promptTokensEvaluated: 5, promptTokensReused: 0, totalMs: 1};
    }
}

const SETTINGS: CompletionSettings = {maxTokens: 32, debounceMs: 0, alternatives: 3, prefetch: false};

/** A service on fake time (its clock is the mocked Date.now), and `ask`, which moves that time until the answer is there. */
function service(time: FakeTime, engine: FakeEngine, settings: Partial<CompletionSettings> = {}) {
    const metrics: CompletionMetrics[] = [];
    const s = new CompletionService(engine, () => ({...SETTINGS, ...settings}), silentLogger, {now: () => Date.now()});
    s.onMetrics((m) => metrics.push(m));
    const ask = async (request: SuggestRequest, signal?: AbortSignal) => (await time.until(s.suggest(request, signal))).value;
    return {s, metrics, ask};
}

const at = (prefix: string, suffix = "\n}\n", extra: Partial<SuggestRequest> = {}): SuggestRequest =>
    ({documentKey: "file:///a.ts", line: prefix.split("\n").length - 1, prefix, suffix, fileName: "a.ts", ...extra});

const BASE = "function total(xs) {\n    ";

test("the same position twice: the second answer comes from the cache, without the model", async (t) => {
    const time = fakeTime(t);
    const engine = new FakeEngine(() => "return 1;");
    const {s, metrics, ask} = service(time, engine);
    const first = await time.until(s.suggest(at(BASE)));
    assert.equal(first.ms, 18, "9 characters at 2 ms");
    const second = await time.until(s.suggest(at(BASE)));
    assert.equal(second.ms, 0);
    assert.deepEqual([first.value?.source, second.value?.source], ["model", "cache"]);
    assert.deepEqual(second.value?.texts, ["return 1;"]);
    assert.equal(engine.calls.length, 1);
    assert.deepEqual(metrics.map((m) => m.kind === "suggestion" && [m.source, m.latencyMs]), [["model", 18], ["cache", 0]]);
    assert.equal((await ask(at(BASE)))?.source, "cache");
    s.dispose();
});

test("typing the start of the shown suggestion shows the rest at once; typing something else asks the model", async (t) => {
    const time = fakeTime(t);
    const engine = new FakeEngine(() => "return total;");
    const {s, ask} = service(time, engine);
    await ask(at(BASE));
    const typed = await ask(at(BASE + "ret"));
    assert.deepEqual([typed?.source, typed?.texts], ["typing", ["urn total;"]]);
    const more = await ask(at(BASE + "retu"));
    assert.deepEqual(more?.texts, ["rn total;"], "still measured against the suggestion that was shown");
    assert.equal(engine.calls.length, 1);
    const other = await ask(at(BASE + "x"));
    assert.equal(other?.source, "model");
    assert.equal(engine.calls.length, 2);
    const back = await ask(at(BASE + "re"));
    assert.deepEqual([back?.source, back?.texts], ["typing", ["turn total;"]], "an earlier suggestion still counts");
    s.dispose();
});

test("a keystroke aborts the request in flight, unless that request is already writing what was typed", async (t) => {
    const time = fakeTime(t);
    const engine = new FakeEngine((p) => p.endsWith("r") ? "eturn total;" : "return total;", 15);
    const {s} = service(time, engine);
    const first = s.suggest(at(BASE));
    await time.advance(45); // "ret" has been generated
    const joined = await time.until(s.suggest(at(BASE + "r")));
    assert.equal(joined.value?.source, "typing");
    assert.deepEqual(joined.value?.texts, ["eturn total;"]);
    assert.equal(joined.ms, 13 * 15 - 45, "it waited for the request in flight to finish");
    assert.equal((await first)?.source, "model");
    assert.equal(engine.calls.length, 1, "no second model call");
    const second = s.suggest(at(BASE + "z"));
    await time.advance(30); // "re": no "q" in sight
    const third = await time.until(s.suggest(at(BASE + "zq")));
    assert.equal(await second, undefined, "the superseded request gives no suggestion");
    assert.equal(third.value?.source, "model");
    assert.equal(third.ms, 13 * 15, "a model call of its own");
    assert.deepEqual(engine.aborted, [BASE + "z"]);
    s.dispose();
});

test("the caller giving up (VS Code's token) does not waste the work: the answer lands in the cache", async (t) => {
    const time = fakeTime(t);
    const engine = new FakeEngine(() => "abc", 10);
    const {s, ask} = service(time, engine);
    const controller = new AbortController();
    const gaveUp = s.suggest(at(BASE), controller.signal);
    await time.advance(5);
    controller.abort();
    assert.equal(await gaveUp, undefined);
    await time.advance(24);
    assert.deepEqual(engine.finished, [], "the model is still at it");
    await time.advance(1);
    assert.deepEqual(engine.finished, [BASE], "the model was not stopped");
    assert.equal((await ask(at(BASE)))?.source, "cache");
    s.dispose();
});

test("after a suggestion is shown, the one that follows accepting it is prefetched in idle time", async (t) => {
    const time = fakeTime(t);
    const engine = new FakeEngine((p) => p.endsWith(";") ? "\n    done();" : "return total;");
    const {s, metrics, ask} = service(time, engine, {prefetch: true});
    await ask(at(BASE));
    await time.advance(IDLE_DELAY_MS - 1);
    assert.equal(engine.calls.length, 1, "not before the editor has been quiet for a while");
    await time.advance(1);
    assert.equal(engine.calls.length, 2);
    assert.equal(engine.calls[1]!.background, true);
    assert.equal(engine.calls[1]!.prefix, BASE + "return total;");
    await time.advance(2 * "\n    done();".length);
    const accepted = await time.until(s.suggest(at(BASE + "return total;")));
    assert.deepEqual([accepted.value?.source, accepted.value?.texts, accepted.ms], ["prefetch", ["\n    done();"], 0]);
    assert.deepEqual(metrics.filter((m) => m.kind === "prefetch").map((m) => m.latencyMs), [24], "one prefetch, 12 characters at 2 ms");
    s.dispose();
});

test("accepting before the prefetch finished takes the prefetch over instead of starting again", async (t) => {
    const time = fakeTime(t);
    const engine = new FakeEngine((p) => p.endsWith(";") ? "\n    done(total);" : "return total;", 10);
    const {s, metrics, ask} = service(time, engine, {prefetch: true});
    await ask(at(BASE));
    await time.advance(IDLE_DELAY_MS + 60); // the prefetch is 6 characters in
    assert.equal(engine.calls.length, 2);
    const accepted = await time.until(s.suggest(at(BASE + "return total;")));
    assert.deepEqual([accepted.value?.source, accepted.value?.texts], ["model", ["\n    done(total);"]]);
    assert.equal(accepted.ms, 170 - 60, "only the rest of the prefetch is waited for");
    assert.equal(engine.calls.length, 2, "no second model call for the same position");
    assert.deepEqual(engine.aborted, []);
    const answered = metrics.filter((m) => m.kind === "suggestion").at(-1);
    assert.ok(answered?.kind === "suggestion" && answered.headStartMs === 60, `head start: ${JSON.stringify(answered)}`);
    assert.ok(!metrics.some((m) => m.kind === "prefetch"), "reported once, as the request's answer");
    // The answer is cached like any other.
    assert.equal((await ask(at(BASE + "return total;")))?.source, "cache");
    s.dispose();
});

test("a keystroke stops idle-time work at once", async (t) => {
    const time = fakeTime(t);
    const engine = new FakeEngine(() => "x".repeat(40), 10);
    const {s, ask} = service(time, engine, {prefetch: true});
    await ask(at(BASE));
    await time.advance(IDLE_DELAY_MS + 50); // the prefetch has started
    assert.equal(engine.calls.length, 2);
    const typed = s.suggest(at(BASE + "q"));
    assert.equal(engine.calls[1]!.signal?.aborted, true, "aborted before any more time passes");
    await time.until(typed);
    assert.deepEqual(engine.aborted, [BASE + "x".repeat(40)]);
    s.dispose();
});

test("explicit requests ask for alternatives and skip the debounce", async (t) => {
    const time = fakeTime(t);
    const engine = new FakeEngine(() => "a");
    const {s} = service(time, engine, {debounceMs: 500});
    const answer = await time.until(s.suggest(at(BASE, "\n", {explicit: true})));
    assert.deepEqual(answer.value?.texts, ["a", "a!"]);
    assert.equal(answer.ms, 2, "the model's 2 ms only");
    assert.equal(engine.calls[0]!.count, 3);
    const typed = await time.until(s.suggest(at(BASE + "b")));
    assert.equal(typed.ms, 500 + 2, "a typed request waits the debounce first");
    s.dispose();
});

test("context chunks reach the prompt only after an idle-time commit, which warms the cache", async (t) => {
    const time = fakeTime(t);
    const engine = new FakeEngine(() => "");
    const {s, ask} = service(time, engine);
    s.ring.add({documentKey: "file:///b.ts", fileName: "b.ts", lines: ["export const b = 1;", "export const c = 2;", "export const d = 3;"], startLine: 0, source: "visit"});
    await ask(at(BASE));
    assert.equal(engine.calls[0]!.context, undefined);
    await time.advance(IDLE_DELAY_MS - 1);
    assert.equal(engine.warmed.length, 0);
    await time.advance(1);
    assert.equal(engine.warmed.length, 1);
    assert.deepEqual(engine.warmed[0]!.context?.map((c) => c.fileName), ["b.ts"]);
    await ask(at(BASE + "x"));
    assert.deepEqual(engine.calls[1]!.context?.map((c) => c.fileName), ["b.ts"]);
    const offEngine = new FakeEngine(() => "");
    const off = service(time, offEngine, {contextChunks: 0});
    off.s.ring.add({documentKey: "file:///b.ts", fileName: "b.ts", lines: ["1", "2", "3"], startLine: 0, source: "visit"});
    assert.equal(off.s.commitRing(), true);
    await off.ask(at(BASE));
    assert.equal(offEngine.calls[0]!.context, undefined, "contextChunks 0 turns extra context off");
    s.dispose();
    off.s.dispose();
});

test("a cursor jump warms the prompt of the new position in idle time", async (t) => {
    const time = fakeTime(t);
    const engine = new FakeEngine(() => "");
    const {s} = service(time, engine);
    s.cursorMoved(at("x\n".repeat(50) + "    "));
    await time.advance(IDLE_DELAY_MS - 1);
    assert.equal(engine.warmed.length, 0);
    await time.advance(1);
    assert.equal(engine.warmed.length, 1);
    assert.equal(engine.warmed[0]!.prefix, "x\n".repeat(50) + "    ");
    s.dispose();
});

test("model errors reach the caller; the cache key changes with the model and the settings", async (t) => {
    const time = fakeTime(t);
    const engine = new FakeEngine(() => "ok");
    const {s, ask} = service(time, engine);
    engine.failWith = new ModelNotCapableError("no FIM");
    await assert.rejects(ask(at(BASE)), ModelNotCapableError);
    engine.failWith = undefined;
    assert.equal((await ask(at(BASE)))?.source, "model");
    engine.model = {path: "/other.gguf", hasFim: true} as ModelDescription;
    assert.equal((await ask(at(BASE)))?.source, "model", "another model is not answered from the cache");
    s.dispose();
});
