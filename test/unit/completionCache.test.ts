import {test} from "node:test";
import assert from "node:assert/strict";
import {ContextRing, jaccard} from "../../src/completion/contextRing";
import {continueSuggestion, SuggestionCache} from "../../src/completion/suggestionCache";
import {TypingPace} from "../../src/completion/typingPace";

const lines = (n: number, tag: string) => Array.from({length: n}, (_, i) => `${tag} line ${i}`);

test("the result cache is an LRU keyed by a hash of every part, with hit and miss counts", () => {
    const cache = new SuggestionCache(2);
    const k1 = SuggestionCache.key(["ctx", "prefix", "suffix"]);
    assert.notEqual(k1, SuggestionCache.key(["ctx", "prefixs", "uffix"]), "parts are delimited, not just joined");
    cache.set(k1, {suggestions: ["a"], prefetched: false});
    cache.set("k2", {suggestions: ["b"], prefetched: true});
    assert.deepEqual(cache.get(k1)?.suggestions, ["a"]);
    cache.set("k3", {suggestions: ["c"], prefetched: false});
    assert.equal(cache.get("k2"), undefined, "least recently used went first");
    assert.deepEqual(cache.stats, {hits: 1, misses: 1});
});

test("reuse while typing: typed text that starts the suggestion gets the rest; anything else gets nothing", () => {
    const shown = {prefix: "function f() {\n    ", suffix: "\n}", contextKey: "c", suggestions: ["return total;", "throw err;"]};
    assert.deepEqual(continueSuggestion(shown, shown.prefix + "ret", "\n}", "c"), ["urn total;"]);
    assert.deepEqual(continueSuggestion(shown, shown.prefix + "t", "\n}", "c"), ["hrow err;"]);
    assert.equal(continueSuggestion(shown, shown.prefix + "x", "\n}", "c"), undefined);
    assert.equal(continueSuggestion(shown, shown.prefix + "return total;", "\n}", "c"), undefined, "fully typed: nothing left");
    assert.equal(continueSuggestion(shown, shown.prefix + "ret", "\n}\n", "c"), undefined, "the suffix changed");
    assert.equal(continueSuggestion(shown, shown.prefix + "ret", "\n}", "other"), undefined, "other file or settings");
    assert.equal(continueSuggestion(shown, "function g() {\n    ret", "\n}", "c"), undefined, "the text before changed");
    // A window that dropped lines at the top still matches: only the end of the old prefix must agree.
    const long = {...shown, prefix: "x\n".repeat(2000) + "    "};
    assert.deepEqual(continueSuggestion(long, "x\n".repeat(1500) + "    retu", "\n}", "c"), ["rn total;"]);
});

test("the context ring queues chunks, commits them in one go, evicts near-duplicates and the oldest", () => {
    const ring = new ContextRing({maxChunks: 2, chunkLines: 16, similarity: 0.9});
    ring.add({documentKey: "a", fileName: "a.ts", lines: lines(10, "a"), startLine: 0, source: "visit"});
    assert.equal(ring.chunksFor("x", 0, 0).length, 0, "nothing before a commit");
    assert.equal(ring.pending, true);
    assert.equal(ring.commit(), true);
    assert.equal(ring.commit(), false, "nothing new");
    const version = ring.version;
    ring.add({documentKey: "b", fileName: "b.ts", lines: [...lines(10, "a"), "one more"], startLine: 0, source: "edit"});
    ring.commit();
    assert.deepEqual(ring.chunksFor("x", 0, 0).map((c) => c.fileName), ["b.ts"], "a near-copy replaced the older chunk");
    assert.ok(ring.version > version);
    ring.add({documentKey: "c", fileName: "c.ts", lines: lines(30, "c"), startLine: 100, source: "clipboard"});
    ring.add({documentKey: "d", fileName: "d.ts", lines: lines(5, "d"), startLine: 0, source: "visit"});
    ring.commit();
    const chunks = ring.chunksFor("x", 0, 0);
    assert.deepEqual(chunks.map((c) => c.fileName), ["c.ts", "d.ts"], "oldest evicted");
    assert.equal(chunks[0]!.lineCount, 16, "long ranges are cut to the chunk size, around their middle");
    assert.equal(chunks[0]!.startLine, 107);
    assert.deepEqual(ring.chunksFor("c", 100, 110).map((c) => c.fileName), ["d.ts"], "a chunk the prompt already shows is left out");
    ring.add({documentKey: "e", fileName: "e.ts", lines: ["x", "", "y"], startLine: 0, source: "edit"});
    assert.equal(ring.commit(), false, "tiny chunks are ignored");
});

test("Jaccard similarity over trimmed, non-blank lines", () => {
    assert.equal(jaccard("a\nb\n", "  a\nb\n\n"), 1);
    assert.equal(jaccard("a\nb", "c\nd"), 0);
    assert.equal(jaccard("a\nb\nc", "a\nb\nd"), 0.5);
});

test("adaptive debounce: none when the model outpaces typing, about one keystroke gap when it does not", () => {
    const pace = new TypingPace();
    assert.equal(pace.debounceMs(60), 60, "no history: the setting");
    for (let t = 0; t <= 1000; t += 100)
        pace.keystroke(t);
    pace.modelLatency(50);
    assert.equal(pace.debounceMs(60), 0);
    const slow = new TypingPace();
    for (let t = 0; t <= 1000; t += 100)
        slow.keystroke(t);
    slow.keystroke(5000); // a pause is not typing speed
    slow.modelLatency(800);
    assert.equal(slow.debounceMs(60), 125);
    assert.equal(slow.debounceMs(10, 100), 100, "capped");
    assert.equal(slow.debounceMs(20), 80, "at most four times the setting");
    assert.equal(slow.debounceMs(0), 0, "0 turns it off");
});
