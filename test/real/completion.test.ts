import {after, before, test} from "node:test";
import assert from "node:assert/strict";
import type {LocalEngine} from "../../src/engine/localEngine";
import {completer, newTestEngine, testRuntime} from "../helpers/engine";
import {fetchRealModels, type RealModels} from "./realModels";

/**
 * Real FIM completions on Qwen2.5-Coder-0.5B: short, well-known function bodies that a code model
 * writes one way (names aside), each with the cursor after indentation (where the prompt once made the model
 * indent one space too deep) or mid-line. One thread, greedy: the text depends only on the model.
 */
const CASES: readonly {name: string; fileName: string; prefix: string; suffix: string; accept: RegExp}[] = [
    {
        name: "recursive factorial, cursor after the indentation",
        fileName: "mathutil.py",
        prefix: "def factorial(n):\n    \"\"\"Return n! for n >= 0.\"\"\"\n    if n <= 1:\n        return 1\n    ",
        suffix: "\n\n\nprint(factorial(5))\n",
        // "else:" first is as right as the bare return.
        accept: /^(else:\n {8})?return n \* factorial\(n - 1\)$/
    },
    {
        name: "mean of a list, cursor after the indentation",
        fileName: "stats.py",
        prefix: "def mean(values):\n    total = sum(values)\n    ",
        suffix: "\n\n\nprint(mean([1, 2, 3]))\n",
        accept: /^return total \/ len\(values\)$/
    },
    {
        name: "palindrome check, mid-line",
        fileName: "strings.py",
        prefix: "def is_palindrome(s):\n    s = s.lower()\n    return s == ",
        suffix: "\n",
        accept: /^s\[::-1\]$/
    },
    {
        name: "TypeScript sum with reduce, cursor after the indentation",
        fileName: "src/sum.ts",
        prefix: "export function sum(values: number[]): number {\n    ",
        suffix: "\n}\n",
        accept: /^return values\.reduce\(\((\w+), (\w+)\) => \1 \+ \2, 0\);$/
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
        assert.doesNotMatch(result.text, /^\s/, `the suggestion starts at the cursor, not with whitespace: ${JSON.stringify(result.text)}`);
        assert.match(result.text.trimEnd(), c.accept, "the body any programmer would write, names aside");
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
