import {test} from "node:test";
import assert from "node:assert/strict";
import Ajv from "ajv";
import casesFile from "../../src/data/toolsEvalCases.json";
import {BUILTIN_TOOLS} from "../../src/tools/builtinTools";
import {dropOptionalNulls, toGrammarSchema} from "../../src/tools/grammarSchema";
import {callMatches, wilsonInterval, type FunctionCallCase} from "../../src/tools/toolCallScoring";
import {ToolCallValidator} from "../../src/tools/toolCallValidator";

const cases = casesFile.cases as FunctionCallCase[];

test("every built-in tool has a grammar-safe name, a description and a valid JSON Schema listing all properties as required", () => {
    const ajv = new Ajv({strict: true, allowUnionTypes: true});
    assert.equal(new Set(BUILTIN_TOOLS.map((t) => t.name)).size, BUILTIN_TOOLS.length);
    for (const tool of BUILTIN_TOOLS) {
        assert.match(tool.name, /^[A-Za-z][A-Za-z0-9_]*$/);
        assert.ok(tool.description.length > 20, tool.name);
        if (tool.params == null)
            continue;
        ajv.compile(tool.params);
        assert.deepEqual([...tool.params.required ?? []].sort(), Object.keys(tool.params.properties).sort(), `${tool.name}: the grammar generates every property`);
    }
});

test("the evaluation has at least 50 cases, each expecting a real tool with arguments its schema accepts", () => {
    assert.ok(cases.length >= 50, `${cases.length} cases`);
    assert.equal(new Set(cases.map((c) => c.id)).size, cases.length);
    const validator = new ToolCallValidator(BUILTIN_TOOLS);
    const covered = new Set<string>();
    for (const c of cases) {
        const concrete = Object.fromEntries(Object.entries(c.expected.arguments).map(([k, v]) =>
            [k, v != null && typeof v === "object" && "$anyOf" in v ? (v as {$anyOf: unknown[]}).$anyOf[0] : v]));
        assert.equal(validator.check(c.expected.name, concrete), undefined, c.id);
        assert.ok(callMatches(c.expected, c.expected.name, concrete), `${c.id} matches its own expectation`);
        covered.add(c.expected.name);
    }
    assert.deepEqual([...covered].sort(), BUILTIN_TOOLS.map((t) => t.name).sort(), "every tool is exercised");
});

test("the validator reports calls that do not match their schema", () => {
    const validator = new ToolCallValidator(BUILTIN_TOOLS);
    assert.equal(validator.check("readFile", {path: "a", startLine: null, endLine: 3}), undefined);
    assert.match(validator.check("readFile", {path: "a", startLine: "1", endLine: null}) ?? "", /startLine/);
    assert.match(validator.check("readFile", {path: "a"}) ?? "", /required/);
    assert.match(validator.check("readFile", {path: "a", startLine: 1, endLine: 2, extra: true}) ?? "", /additional/);
    assert.match(validator.check("deleteEverything", {}) ?? "", /no tool named/);
    assert.equal(validator.check("getEditorContext", {}), undefined);
    assert.ok(validator.check("getEditorContext", {x: 1}) != null);
});

test("scoring compares function name and arguments after light normalization only", () => {
    const expected = {name: "readFile", arguments: {path: "src/a.ts", startLine: null, endLine: null}};
    assert.ok(callMatches(expected, "readFile", {path: "src/a.ts", startLine: null, endLine: null}));
    assert.ok(callMatches(expected, "readFile", {path: "./src/a.ts"}), "./ and missing nulls are the same");
    assert.ok(callMatches(expected, "readFile", {path: " src/a.ts ", startLine: null, endLine: null}));
    assert.ok(!callMatches(expected, "listDirectory", {path: "src/a.ts"}));
    assert.ok(!callMatches(expected, "readFile", {path: "src/b.ts", startLine: null, endLine: null}));
    assert.ok(!callMatches(expected, "readFile", {path: "src/a.ts", startLine: 1, endLine: null}));
    const anyOf = {name: "findFiles", arguments: {pattern: {$anyOf: ["**/*.ts", "*.ts"]}}};
    assert.ok(callMatches(anyOf, "findFiles", {pattern: "*.ts"}));
    assert.ok(!callMatches(anyOf, "findFiles", {pattern: "*.js"}));
    assert.ok(!callMatches({name: "runCommand", arguments: {command: "./run.sh"}}, "runCommand", {command: "run.sh"}), "./ matters outside paths");
});

test("the Wilson interval brackets the proportion and stays inside [0, 1]", () => {
    const [lo, hi] = wilsonInterval(40, 56);
    assert.ok(lo < 40 / 56 && 40 / 56 < hi);
    assert.ok(Math.abs(lo - 0.584) < 0.01 && Math.abs(hi - 0.818) < 0.01, `${lo} ${hi}`);
    assert.deepEqual(wilsonInterval(0, 0), [0, 1]);
    assert.equal(wilsonInterval(0, 56)[0], 0);
    assert.equal(wilsonInterval(56, 56)[1], 1);
    assert.ok(wilsonInterval(0, 56)[1] > 0.05, "zero successes still leave a non-zero upper bound");
});

test("other extensions' schemas become grammar schemas with optional properties nullable", () => {
    const schema = {
        type: "object",
        properties: {
            query: {type: "string", description: "what to find", pattern: "^\\w+$"},
            limit: {type: "integer", minimum: 1},
            mode: {enum: ["fast", "full"]},
            tags: {type: "array", items: {type: "string"}},
            filter: {type: "object", properties: {lang: {type: "string"}}, required: ["lang"]}
        },
        required: ["query"]
    };
    assert.deepEqual(toGrammarSchema(schema), {
        type: "object",
        properties: {
            query: {type: "string", description: "what to find"},
            limit: {type: ["integer", "null"]},
            mode: {enum: ["fast", "full", null]},
            tags: {oneOf: [{type: "array", items: {type: "string"}}, {type: "null"}]},
            filter: {oneOf: [{type: "object", properties: {lang: {type: "string"}}, required: ["lang"], additionalProperties: false}, {type: "null"}]}
        },
        required: ["query", "limit", "mode", "tags", "filter"],
        additionalProperties: false
    });
    assert.deepEqual(dropOptionalNulls({query: "x", limit: null, mode: "fast", tags: null, filter: {lang: "ts"}}, schema), {query: "x", mode: "fast", filter: {lang: "ts"}});
    assert.equal(toGrammarSchema(undefined), null, "no schema: a tool without parameters");
    assert.equal(toGrammarSchema({type: "object", properties: {}, additionalProperties: false}), null);
    assert.equal(toGrammarSchema({type: "object", properties: {a: {$ref: "#/defs/x"}}}), undefined, "refs are not supported");
    assert.equal(toGrammarSchema({type: "object", properties: {a: {allOf: [{type: "string"}]}}}), undefined);
    assert.equal(toGrammarSchema({type: "string"}), undefined, "parameters must be an object");
    assert.equal(toGrammarSchema("nonsense"), undefined);
});
