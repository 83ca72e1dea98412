import {test} from "node:test";
import assert from "node:assert/strict";
import {alignContext, ScriptCursor} from "../../src/engine/chat/scriptCursor";

/** A toy tokenizer: special tokens whole, then words, then single characters. */
const firstToken = (rest: string) => /^(<\|[a-z_]+\|>|<\/?tool_call>|[A-Za-z]+|.)/s.exec(rest)![0];
const SCRIPT = "<tool_call>\n{\"name\": \"readFile\", \"arguments\": {\"path\": \"a.txt\"}\n\n\n\n<|im_end|>";

test("the first token of a reply is the script's first, whatever the context holds", () => {
    const cursor = new ScriptCursor(SCRIPT, firstToken);
    assert.deepEqual(cursor.next("<|im_start|>assistant\n<tool_call>\n{\"name\": \"x\""), [0]);
});

test("while the previous token is still being decoded, the next scripted token follows it", () => {
    const cursor = new ScriptCursor(SCRIPT, firstToken);
    const prompt = "<|im_start|>assistant\n";
    assert.deepEqual(cursor.next(""), [0]); // <tool_call>
    assert.deepEqual(cursor.next(prompt), [11]); // <tool_call> in flight → "\n"
    assert.deepEqual(cursor.next(`${prompt}<tool_call>`), [12]); // "\n" in flight → "{"
    assert.deepEqual(cursor.next(`${prompt}<tool_call>\n`), [13]);
});

test("text inserted for the model moves the cursor past it, with one sampled token in flight", () => {
    const cursor = new ScriptCursor(SCRIPT, firstToken);
    const prompt = "<|im_start|>assistant\n";
    // Each step the context holds everything before the token asked for last (it is in flight).
    let inFlight = cursor.next("")[0]!;
    while (inFlight < 30) // up to the end of the function name
        inFlight = cursor.next(prompt + SCRIPT.slice(0, inFlight))[0]!;
    // node-llama-cpp writes `", "arguments": ` itself and the model samples "{" under the grammar.
    assert.deepEqual(cursor.next(prompt + SCRIPT.slice(0, 46)), [47], "after the inserted text, '{' is in flight, so '\"' comes next");
    assert.deepEqual(cursor.next(prompt + SCRIPT.slice(0, 47)), [48]);
});

test("a context rewritten after a finished call keeps the script going from where it was", () => {
    const cursor = new ScriptCursor(SCRIPT, firstToken);
    cursor.next("");
    const end = SCRIPT.indexOf("<|im_end|>");
    // Drive the cursor to the last newline before <|im_end|>.
    for (let p = cursor.next("x")[0]!; p < end - 1; p = cursor.next("x" + SCRIPT.slice(0, p))[0]!)
        ;
    const rewritten = "…\"path\": \"a.txt\"}}\n</tool_call>";
    assert.deepEqual(cursor.next(rewritten), [end], "the end-of-turn token comes next");
    assert.deepEqual(cursor.next(rewritten + "<|im_end|>"), [], "the script is done: no more bias");
});

test("alignment needs the whole span since the last position, so repeated characters do not fool it", () => {
    const script = "a}\n\n\n\nb";
    assert.equal(alignContext("xx a}\n", script, 3), 3);
    assert.equal(alignContext("xx a}\n\n", script, 3), 4);
    assert.equal(alignContext("unrelated", script, 3), undefined);
});
