import {test} from "node:test";
import assert from "node:assert/strict";
import {planCompletion} from "../../src/completion/completionPlan";
import {DEFAULT_TEXT_WINDOW, splitCursorText, type TextWindow} from "../../src/completion/cursorText";
import {cursorContext, looksBinary} from "../../src/completion/documentContext";
import {buildFimPrompt, type FimVocabulary} from "../../src/completion/fimPrompt";
import {languageSyntaxFor} from "../../src/completion/languageSyntax";
import {finishSuggestion} from "../../src/completion/postProcess";
import {buildCompletionPrompt, completionPromptParts, firstLinesWithin, lastLinesWithin, type Tokenizer} from "../../src/completion/promptTokens";
import {promptPartsTotal} from "../../src/engine/promptParts";
import {TokenMemo} from "../../src/completion/tokenMemo";

/** One token per character (code point), so counts are easy to reason about. */
const chars: Tokenizer = {tokenize: (text) => [...text].map((c) => c.codePointAt(0)!)};
const detok = (tokens: readonly number[]) => String.fromCodePoint(...tokens.filter((t) => t < 0x10000));
const FIM: FimVocabulary = {prefix: 0x10001, suffix: 0x10002, middle: 0x10003};
const REPO: FimVocabulary = {...FIM, repoName: 0x10004, fileSep: 0x10005};

function lines(n: number, from = 0): string {
    return Array.from({length: n}, (_, i) => `line ${i + from};\n`).join("");
}

test("the three layouts order the parts as documented, and mark where keystrokes start to change tokens", () => {
    const parts = {context: [9], stable: [1, 2], volatile: [3], suffix: [4, 5]};
    const {prefix: P, suffix: S, middle: M} = FIM;
    assert.deepEqual(buildFimPrompt(parts, FIM, "psm"), {tokens: [9, P, 1, 2, 3, S, 4, 5, M], stableLength: 4});
    assert.deepEqual(buildFimPrompt(parts, FIM, "psm-volatile-after-middle"), {tokens: [9, P, 1, 2, S, 4, 5, M, 3], stableLength: 8});
    assert.deepEqual(buildFimPrompt(parts, FIM, "spm"), {tokens: [9, S, 4, 5, P, 1, 2, 3, M], stableLength: 7});
    assert.deepEqual(buildFimPrompt(parts, {...FIM, bos: 7}, "psm").tokens.slice(0, 3), [7, 9, P]);
});

test("typing on a line changes only the volatile tail; the stable part and the suffix stay identical", () => {
    const above = lines(40);
    const suffix = "\n}\n" + lines(10, 100);
    const a = splitCursorText(above + "    ret", suffix);
    const b = splitCursorText(above + "    retur", suffix);
    assert.equal(a.stable, b.stable);
    assert.equal(a.suffix, b.suffix);
    assert.equal(a.stable + a.volatile, above + "    ret");
    assert.ok(b.volatile.endsWith("    retur"));
    assert.equal(a.linePrefix, "    ret");
    assert.equal(a.lineSuffix, "");
    assert.deepEqual(a.nextLines.slice(0, 2), ["}", "line 100;"]);
});

test("pressing Enter usually keeps the anchor, so the suffix need not be evaluated again", () => {
    const suffix = "\n" + lines(10, 500);
    let moves = 0;
    let text = lines(20);
    let previous = splitCursorText(text, suffix);
    for (let i = 0; i < 200; i++) {
        text += `statement_${i}();\n`;
        const next = splitCursorText(text, suffix);
        if (next.stable !== previous.stable)
            moves++;
        previous = next;
    }
    // About one line in eight is an anchor; never more than the lines typed.
    assert.ok(moves > 5 && moves < 60, `anchor moved ${moves} times in 200 lines`);
    const oneLineOnly = {...DEFAULT_TEXT_WINDOW, maxVolatileLines: 0};
    assert.equal(splitCursorText(lines(5) + "x", "", oneLineOnly).volatile, "x");
});

test("the split depends on the text only: a window of the file gives the same parts as the whole file", () => {
    const window: TextWindow = {...DEFAULT_TEXT_WINDOW, linesAbove: 20, linesBelow: 5, maxVolatileLines: 8};
    const file = Array.from({length: 300}, (_, i) => `row ${i} ${"x".repeat(i % 7)}`);
    const doc = {lineCount: file.length, lineAt: (i: number) => ({text: file[i]!})};
    const line = 150;
    const column = 9;
    const full = file.join("\n");
    const offset = file.slice(0, line).join("\n").length + 1 + column;
    const viaWindow = cursorContext(doc, line, column, window);
    const fromWindow = splitCursorText(viaWindow.prefix, viaWindow.suffix, window);
    const fromWhole = splitCursorText(full.slice(0, offset), full.slice(offset), window);
    assert.deepEqual(fromWindow, fromWhole);
    assert.equal(fromWhole.linePrefix, file[line]!.slice(0, column));
    assert.ok(fromWhole.stable.split("\n").length >= 20);
});

test("CRLF text, huge lines and binary files", () => {
    const split = splitCursorText("a\r\nb\r\nc", "d\r\ne", {...DEFAULT_TEXT_WINDOW, maxVolatileLines: 0});
    assert.equal(split.stable + split.volatile, "a\nb\nc");
    assert.equal(split.suffix, "d\ne");
    const huge = splitCursorText("y".repeat(50_000) + "\n" + "z".repeat(9_000), "w".repeat(9_000), {...DEFAULT_TEXT_WINDOW, maxLineChars: 100});
    assert.equal(huge.linePrefix.length, 100);
    assert.equal(huge.lineSuffix.length, 100);
    assert.ok(huge.stable.length + huge.volatile.length <= 202);
    assert.equal(looksBinary({prefix: "PK\u0003\u0004\u0000", suffix: ""}), true);
    assert.equal(looksBinary({prefix: "fine", suffix: "text"}), false);
});

test("budgets trim whole lines: the top of the prefix, the bottom of the suffix", () => {
    const text = "aaaa\nbbbb\ncccc\n";
    assert.equal(detok(lastLinesWithin(text, 10, chars)), "bbbb\ncccc\n");
    assert.equal(detok(lastLinesWithin(text, 100, chars)), text);
    assert.equal(detok(lastLinesWithin("x".repeat(30), 10, chars)), "x".repeat(10));
    assert.equal(detok(firstLinesWithin("rest\nl1\nl2\nl3", 9, chars)), "rest\nl1\n");
    assert.equal(detok(firstLinesWithin("y".repeat(30), 4, chars)), "yyyy");
});

test("repo-level models get the repo name, context chunks (oldest dropped first) and the file name, before the file", () => {
    const text = splitCursorText("let a = 1;\nlet b", " = 2;\n");
    const prompt = buildCompletionPrompt({
        text, fileName: "src/b.ts", repoName: "demo",
        chunks: [{fileName: "old.ts", text: "o".repeat(50)}, {fileName: "src/a.ts", text: "export const a = 1;"}]
    }, REPO, chars, {maxPrefixTokens: 100, maxSuffixTokens: 100, maxContextTokens: 40});
    const shown = detok(prompt.tokens);
    assert.equal(prompt.tokens[0], REPO.repoName);
    assert.match(shown, /^demo\nsrc\/a\.ts\nexport const a = 1;\nsrc\/b\.ts\nlet a = 1;\n = 2;\nlet b$/);
    assert.ok(!shown.includes("old.ts"), "the oldest chunk did not fit the budget");
    assert.equal(prompt.tokens.filter((t) => t === REPO.fileSep).length, 2);
    // A model without repo tokens gets a plain file-level prompt.
    const plain = buildCompletionPrompt({text, fileName: "src/b.ts", chunks: [{fileName: "a", text: "x\ny\nz"}]}, FIM, chars);
    assert.equal(plain.tokens[0], FIM.prefix);
    assert.equal(plain.counts.context, 0);
});

test("special-token spellings typed in a file stay text: the tokenizer sees them as plain text", () => {
    const seen: string[] = [];
    const recording: Tokenizer = {tokenize: (t) => (seen.push(t), chars.tokenize(t))};
    planCompletion({prefix: "x = '<|fim_middle|>'", suffix: ""}, {fim: FIM, tokenizer: recording, specialTexts: []});
    assert.ok(seen.some((t) => t.includes("<|fim_middle|>")));
});

test("the plan is deterministic: same input, same tokens; the memo tokenizes each text once", () => {
    let calls = 0;
    const memo = new TokenMemo((t) => (calls++, chars.tokenize(t)));
    const model = {fim: REPO, tokenizer: memo, specialTexts: ["<|file_sep|>"]};
    const input = {prefix: lines(30) + "  foo", suffix: "\n" + lines(5), fileName: "a.py"};
    const a = planCompletion(input, model);
    const before = calls;
    const b = planCompletion(input, model);
    assert.deepEqual(a.prompt.tokens, b.prompt.tokens);
    assert.equal(calls, before, "second plan hit the memo");
    assert.deepEqual(a.suggestion.syntax.lineComments, ["#"]);
});

test("comment syntax comes from the file name", () => {
    assert.deepEqual(languageSyntaxFor("src/x.ts").lineComments, ["//"]);
    assert.deepEqual(languageSyntaxFor("Dockerfile").lineComments, ["#"]);
    assert.deepEqual(languageSyntaxFor("q.sql").lineComments, ["--"]);
    assert.deepEqual(languageSyntaxFor(undefined).lineComments, ["//", "#"]);
});

test("the warm-up covers every whole line before the cursor line, so typing on it evaluates only that line", () => {
    const window = {...DEFAULT_TEXT_WINDOW, maxVolatileLines: 32};
    const text = splitCursorText(lines(12) + "    ret", "\n}\n", window);
    const prompt = buildCompletionPrompt({text}, FIM, chars);
    assert.ok(prompt.warmLength >= prompt.stableLength);
    assert.equal(detok(prompt.tokens.slice(prompt.warmLength)), "    ret", "only the current line is left after the warm part");
});

test("an auto-closed rest of line stays out of the FIM suffix, so typing a bracket does not invalidate it", () => {
    const above = lines(10);
    const before = splitCursorText(above + "    log", "\n}\n");
    const opened = splitCursorText(above + "    log(", ")\n}\n");
    const quoted = splitCursorText(above + "    log(\"", "\")\n}\n");
    assert.equal(opened.suffix, before.suffix);
    assert.equal(quoted.suffix, before.suffix);
    assert.equal(opened.lineSuffix, ")", "post-processing still sees it");
    assert.equal(splitCursorText(above + "    f(", "a, b)\n}\n").suffix, "a, b)\n}\n", "real code after the cursor stays");
});

test("the prompt leaves out the one space or tab the cursor's line ends with, and the suggestion drops it again", () => {
    const model = {fim: FIM, tokenizer: chars, specialTexts: []};
    const indented = planCompletion({prefix: "def f(n):\n    ", suffix: "\n"}, model);
    const middle = indented.prompt.tokens.indexOf(FIM.middle);
    assert.equal(detok(indented.prompt.tokens.slice(middle + 1)), "   ", "three of the four spaces: the model writes \" if\" itself");
    assert.equal(indented.suggestion.heldBack, " ");
    assert.equal(finishSuggestion(" if n < 2:\n        return n", indented.suggestion), "if n < 2:\n        return n");
    assert.equal(finishSuggestion("if n < 2:", indented.suggestion), "if n < 2:", "a model that skips the space loses nothing");
    const tab = planCompletion({prefix: "\t", suffix: ""}, model);
    assert.equal(tab.suggestion.heldBack, "\t");
    const word = planCompletion({prefix: "x = foo", suffix: ""}, model);
    assert.equal(word.suggestion.heldBack, undefined, "nothing held back after a word");
    assert.equal(detok(word.prompt.tokens.slice(word.prompt.tokens.indexOf(FIM.middle) + 1)), "x = foo");
});

test("the prompt's parts add up to the tokens evaluated, and carry the budgets as caps", () => {
    const text = splitCursorText(lines(30) + "    ret", "\n}\n" + lines(20, 100));
    const chunks = [{fileName: "old.ts", text: "o".repeat(50)}, {fileName: "a.ts", text: "const a = 1;"}];
    const budget = {maxPrefixTokens: 100, maxSuffixTokens: 40, maxContextTokens: 30};
    const prompt = buildCompletionPrompt({text, fileName: "b.ts", chunks}, REPO, chars, budget);
    const parts = completionPromptParts(prompt, budget);
    assert.equal(parts.countedBy, "tokenizer");
    assert.deepEqual(parts.caps, {prefix: 100, suffix: 40, extraContext: 30});
    assert.equal(promptPartsTotal(parts), prompt.tokens.length, "every token is in exactly one part");
    assert.equal(parts.tokens.extraContext, 1 + "a.ts\nconst a = 1;\n".length, "only the chunk that fits: its <|file_sep|> and text");
    assert.equal(parts.tokens.suffix, prompt.counts.suffix);
    assert.ok(parts.tokens.suffix! <= 40 && parts.tokens.prefix! <= 100 + 50, "within the caps (the typed lines have half the prefix cap of their own)");
    // The repo header, the current file's header and the three FIM tokens.
    assert.equal(parts.tokens.markers, 1 + "project\n".length + 1 + "b.ts\n".length + 3);
    const none = completionPromptParts(buildCompletionPrompt({text}, FIM, chars, budget), budget);
    assert.deepEqual([none.tokens.extraContext, none.tokens.markers], [0, 3], "no repo tokens: no extra context, just the FIM tokens");
});
