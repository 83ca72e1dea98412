import {test} from "node:test";
import assert from "node:assert/strict";
import {languageSyntaxFor} from "../../src/completion/languageSyntax";
import {finishSuggestion, isSuggestionDecided, suggestionMode, type SuggestionContext} from "../../src/completion/postProcess";
import {SeededRandom} from "../../src/gguf/seededRandom";

function at(linePrefix: string, lineSuffix = "", nextLines: string[] = [], fileName = "x.ts"): SuggestionContext {
    return {text: {linePrefix, lineSuffix, nextLines}, syntax: languageSyntaxFor(fileName), specialTexts: ["<|file_sep|>", "<|endoftext|>"]};
}

test("one line when the cursor is mid-line or in a line comment, a block otherwise", () => {
    assert.equal(suggestionMode(at("foo(a, ", ")")), "single");
    assert.equal(suggestionMode(at("    // compute the ")), "single");
    assert.equal(suggestionMode(at("    # compute the ", "", [], "x.py")), "single");
    assert.equal(suggestionMode(at("    const s = '// not a comment', t = (")), "multi", "a comment marker inside a string starts no comment");
    assert.equal(suggestionMode(at("    if (x) {")), "multi");
    assert.equal(suggestionMode(at("    ", "   ")), "multi");
});

test("code before the cursor that opens nothing: the rest of that line only", () => {
    for (const prefix of ["    return total", "    if x", "    foo(a)", "import os"])
        assert.equal(suggestionMode(at(prefix)), "single", prefix);
    for (const prefix of ["", "    ", "def f(x):", "    items = [", "    call(a,", "    const f = () =>", "    /**", "x = ", "    total += "])
        assert.equal(suggestionMode(at(prefix, "", [], "x.py")), "multi", prefix);
    assert.equal(finishSuggestion(" / len(values)\n    print(total)", at("    return total", "", [], "x.py")), " / len(values)");
    assert.equal(isSuggestionDecided(" / len(values)\n", at("    return total", "", [], "x.py")), true);
});

test("a blank line ends a block: the statements that belong together", () => {
    assert.equal(finishSuggestion("x = 1\ny = 2\n\nz = 3", at("")), "x = 1\ny = 2");
    assert.equal(isSuggestionDecided("x = 1\n\n", at("")), true);
    assert.equal(isSuggestionDecided("x = 1\n   ", at("")), false, "a line of spaces so far may still get code");
    assert.equal(isSuggestionDecided("x = 1\n    \n", at("    ")), true);
    // Blank lines before any text are where the block starts, not where it ends.
    assert.equal(finishSuggestion("\n\n    go();", at("    if (x) {")), "\n\n    go();");
});

test("mid-line: the first line only, without the brackets and quotes the line already closes", () => {
    assert.equal(finishSuggestion("b)\nmore()", at("foo(a, ", ")")), "b");
    assert.equal(isSuggestionDecided("b)", at("foo(a, ", ")")), true);
    assert.equal(finishSuggestion("bar(1))", at("x = foo(", ")")), "bar(1)");
    assert.equal(finishSuggestion(" there\")", at("print(\"hi", "\")", [], "x.py")), " there");
    assert.equal(finishSuggestion("1;", at("const x = ", ";")), "1");
    assert.equal(finishSuggestion("1 + 2)", at("f(g(", ")")), "1 + 2)", "one bracket is still open after the line");
    assert.equal(finishSuggestion("the total\nreturn 1;", at("    // compute ")), "the total");
});

test("a block ends where the indentation drops below the cursor's line", () => {
    const ctx = at("    ");
    assert.equal(finishSuggestion("x = 1\n    y = 2\nz = 3\n", ctx), "x = 1\n    y = 2");
    assert.equal(isSuggestionDecided("x = 1\n    y = 2\n", ctx), false);
    assert.equal(isSuggestionDecided("x = 1\n    y = 2\nz", ctx), true);
    assert.equal(isSuggestionDecided("x = 1\n  ", ctx), false, "indentation not known yet");
});

test("a suggestion stops where it starts repeating the code below, and is dropped when it only repeats it", () => {
    const ctx = at("    ", "", ["", "    return total;", "}"]);
    assert.equal(finishSuggestion("total += x;\n    return total;\n}", ctx), "total += x;");
    assert.equal(finishSuggestion("return total;", ctx), "");
    // An inner closing brace is not the function's closing brace below.
    const inner = at("    if (x) {", "", ["}"]);
    assert.equal(finishSuggestion("\n        go();\n    }\n}", inner), "\n        go();\n    }");
});

test("three identical lines: the loop is cut to one", () => {
    assert.equal(finishSuggestion("a\nfoo()\nfoo()\nfoo()\nbar", at("")), "a\nfoo()");
    assert.equal(isSuggestionDecided("a\nfoo()\nfoo()\nfoo()\n", at("")), true);
});

test("leaked special tokens cut the text; blank suggestions are dropped; trailing blank lines go", () => {
    assert.equal(finishSuggestion("abc<|file_sep|>def", at("")), "abc");
    assert.equal(isSuggestionDecided("abc<|endoftext|>", at("")), true);
    assert.equal(finishSuggestion("   \n\n", at("x")), "");
    assert.equal(finishSuggestion("done();\n\n\n", at("")), "done();");
    assert.equal(finishSuggestion(";", at("f()", ";")), "", "only repeats the rest of the line");
    assert.equal(finishSuggestion("a\r\n  b", at("")), "a\n  b");
});

test("once decided, more generated text never changes the suggestion (early stop is invisible)", () => {
    const generator = new SeededRandom(7);
    const random = () => generator.nextUint32() / 2 ** 32;
    const alphabet = ["a", "b", " ", "  ", "    ", "\n", "(", ")", "{", "}", "\"", "x;", "// ", "<|file_sep|>", "return total;"];
    const contexts = [at("    "), at("foo(", ")"), at("    if (x) {", "", ["    return total;", "}"]), at("s = \"ab", "\";"), at("// c"), at(""), at("    return total")];
    let decidedCount = 0;
    for (let trial = 0; trial < 3000; trial++) {
        const ctx = contexts[trial % contexts.length]!;
        let raw = "";
        const pieces = 1 + Math.floor(random() * 14);
        for (let i = 0; i < pieces; i++)
            raw += alphabet[Math.floor(random() * alphabet.length)];
        for (let cut = 1; cut <= raw.length; cut++) {
            const head = raw.slice(0, cut);
            if (isSuggestionDecided(head, ctx)) {
                decidedCount++;
                assert.equal(finishSuggestion(raw, ctx), finishSuggestion(head, ctx), JSON.stringify({raw, head, ctx: ctx.text}));
                break;
            }
        }
    }
    assert.ok(decidedCount > 500, `only ${decidedCount} trials stopped early`);
});
