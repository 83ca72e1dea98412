import {after, before, test} from "node:test";
import assert from "node:assert/strict";
import {distance} from "fastest-levenshtein";
import type {LocalEngine} from "../../src/engine/localEngine";
import {completer, newTestEngine, testRuntime} from "../helpers/engine";
import {fetchRealModels, type RealModels} from "./realModels";

/**
 * Real FIM completions on Qwen2.5-Coder-0.5B: short, well-known function bodies that any code model
 * writes the same way, each with the cursor after indentation (where the prompt once made the model
 * indent one space too deep) or mid-line. One thread, greedy: the text depends only on the model.
 */
const CASES: readonly {name: string; fileName: string; prefix: string; suffix: string; expected: string}[] = [
    {
        name: "recursive factorial, cursor after the indentation",
        fileName: "mathutil.py",
        prefix: "def factorial(n):\n    \"\"\"Return n! for n >= 0.\"\"\"\n    if n <= 1:\n        return 1\n    ",
        suffix: "\n\n\nprint(factorial(5))\n",
        expected: "return n * factorial(n - 1)"
    },
    {
        name: "reading a whole file, cursor after deeper indentation",
        fileName: "files.py",
        prefix: "def read_text(path):\n    with open(path, encoding=\"utf-8\") as f:\n        ",
        suffix: "\n\n\ndef write_text(path, text):\n    with open(path, \"w\", encoding=\"utf-8\") as f:\n        f.write(text)\n",
        expected: "return f.read()"
    },
    {
        name: "palindrome check, mid-line",
        fileName: "strings.py",
        prefix: "def is_palindrome(s):\n    s = s.lower()\n    return s == ",
        suffix: "\n",
        expected: "s[::-1]"
    },
    {
        name: "TypeScript sum with reduce, cursor after the indentation",
        fileName: "src/sum.ts",
        prefix: "export function sum(values: number[]): number {\n    ",
        suffix: "\n}\n",
        expected: "return values.reduce((a, b) => a + b, 0);"
    }
];

let real: RealModels | undefined;
let engine: LocalEngine | undefined;

before(async () => {
    real = await fetchRealModels();
    if (real == null)
        return;
    engine = newTestEngine();
    await engine.load(real.completion.path, {gpu: "cpu", threads: 1, contextSize: 2048});
});

after(async () => {
    await engine?.dispose();
    await testRuntime().dispose();
});

for (const c of CASES) {
    test(`real FIM: ${c.name}`, async (t) => {
        if (engine == null)
            return t.skip("real models unavailable (QP_ALLOW_NO_REAL_MODELS=1)");
        const result = await completer(engine).complete({prefix: c.prefix, suffix: c.suffix, fileName: c.fileName, maxTokens: 32});
        const firstLine = result.text.split("\n")[0]!;
        assert.doesNotMatch(result.text, /^\s/, `the suggestion starts at the cursor, not with whitespace: ${JSON.stringify(result.text)}`);
        const similarity = 1 - distance(firstLine.trimEnd(), c.expected) / Math.max(firstLine.trimEnd().length, c.expected.length);
        assert.ok(similarity >= 0.8, `expected about ${JSON.stringify(c.expected)}, got ${JSON.stringify(result.text)} (similarity ${similarity.toFixed(2)})`);
    });
}

test("real FIM: every line of a multi-line suggestion keeps the block's indentation", async (t) => {
    if (engine == null)
        return t.skip("real models unavailable (QP_ALLOW_NO_REAL_MODELS=1)");
    const result = await completer(engine).complete({
        prefix: "def fibonacci(n):\n    \"\"\"Return the n-th Fibonacci number.\"\"\"\n    ", suffix: "\n\n\nprint(fibonacci(10))\n",
        fileName: "fib.py", maxTokens: 48
    });
    const lines = result.text.split("\n").filter((l) => l.trim() !== "");
    assert.ok(lines.length >= 2, `a body of several lines: ${JSON.stringify(result.text)}`);
    for (const line of lines.slice(1))
        assert.match(line, /^( {4})+\S/, `indented in steps of four spaces like the prefix: ${JSON.stringify(line)} in ${JSON.stringify(result.text)}`);
});
