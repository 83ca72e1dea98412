import {test} from "node:test";
import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import {join} from "node:path";
import {describePlan, planComparison} from "../../src/lm/comparisonPlan";
import {LM_ROLE, countableText, toConversation, type LmMessage} from "../../src/lm/lmMessages";
import {lmModelInfo} from "../../src/lm/lmModelInfo";
import {lmToolContributions, LM_READ_TOOLS} from "../../src/lm/lmToolContributions";
import {toolInput} from "../../src/lm/lmToolInput";
import {mapRequestTools} from "../../src/lm/lmToolSchemas";
import {readFileTool} from "../../src/tools/readFileTool";
import type {ModelVariant} from "../../src/quant/variants";
import {describeModel} from "../helpers/fakeModelLoader";

const text = (value: string) => ({value});
const user = (...content: unknown[]): LmMessage => ({role: LM_ROLE.user, content});
const assistant = (...content: unknown[]): LmMessage => ({role: LM_ROLE.assistant, content});

test("a conversation with a tool round trip becomes turns with each result on its call, and no empty user turn", () => {
    const conversation = toConversation([
        user(text("What is the weather in "), text("Oslo?")),
        assistant(text("Let me look."), {callId: "c1", name: "get weather", input: {city: "Oslo"}}),
        user({callId: "c1", content: [text("-3 C"), {kind: "snow"}]})
    ], (name) => name.replace(/ /g, "_"));
    assert.equal(conversation.system, undefined);
    assert.deepEqual(conversation.history, [
        {role: "user", text: "What is the weather in Oslo?"},
        {role: "assistant", parts: [
            {type: "text", text: "Let me look."},
            {type: "toolCall", id: "c1", name: "get_weather", params: {city: "Oslo"}, status: "done", startsNewChunk: true, result: "-3 C\n{\"kind\":\"snow\"}"}
        ]}
    ]);
});

test("system messages (proposed role 3) become the system prompt; a result for an unknown call is ignored", () => {
    const conversation = toConversation([
        {role: LM_ROLE.system, content: [text("Be brief.")]},
        user({callId: "nobody", content: [text("x")]}, text("Hi")),
        {role: LM_ROLE.system, content: [text("Use French.")]}
    ], (n) => n);
    assert.equal(conversation.system, "Be brief.\n\nUse French.");
    assert.deepEqual(conversation.history, [{role: "user", text: "Hi"}]);
});

test("the countable text of a message holds its text, its calls and its results", () => {
    assert.equal(countableText(assistant(text("a"), {callId: "c", name: "t", input: {x: 1}})), "a\nt {\"x\":1}");
    assert.equal(countableText(user({callId: "c", content: [text("r")]})), "r");
});

test("caller tools map onto grammar names and schemas, and calls map back with the optional nulls dropped", () => {
    const mapped = mapRequestTools([
        {name: "get weather", description: "Weather", inputSchema: {type: "object", properties: {city: {type: "string"}, unit: {type: "string"}}, required: ["city"]}},
        {name: "get_weather", description: "Clash", inputSchema: {type: "object", properties: {}, additionalProperties: false}},
        {name: "refs", description: "Uses $ref", inputSchema: {type: "object", properties: {a: {$ref: "#/x"}}}}
    ]);
    assert.deepEqual(mapped.tools.map((t) => t.name), ["get_weather", "get_weather_2"]);
    assert.deepEqual(mapped.tools[0]!.params, {
        type: "object", required: ["city", "unit"], additionalProperties: false,
        properties: {city: {type: "string"}, unit: {type: ["string", "null"]}}
    });
    assert.equal(mapped.tools[1]!.params, undefined, "an object without properties takes no arguments");
    assert.deepEqual(mapped.skipped.map((s) => s.name), ["refs"]);
    assert.deepEqual(mapped.callerCall("get_weather", {city: "Oslo", unit: null}), {name: "get weather", input: {city: "Oslo"}});
    assert.equal(mapped.modelName("get weather"), "get_weather");
    assert.equal(mapped.modelName("not offered now"), "not_offered_now");
});

test("the model info comes from the loaded model: context split between input and reply, quantization, tool support", () => {
    const model = describeModel("/m/qwen-q4.gguf", {
        name: "Qwen 2.5 Coder", architecture: "qwen2", fileType: "Q4_K_M", bitsPerWeight: 4.85, contextSize: 4096,
        supportsTools: true, chatWrapper: "Qwen", runtime: {gpu: false, gpuLayers: 0, threads: 4, build: "prebuilt"}
    });
    const info = lmModelInfo(model, 1024);
    assert.deepEqual({...info, tooltip: undefined}, {
        id: "qwen-q4.gguf", name: "Qwen 2.5 Coder", family: "qwen2", version: "Q4_K_M",
        maxInputTokens: 3072, maxOutputTokens: 1024, tooltip: undefined, detail: "Q4_K_M",
        capabilities: {imageInput: false, toolCalling: true}
    });
    assert.match(info.tooltip, /Q4_K_M, 4\.85 bits\/weight, context 4096 tokens, CPU; tools yes \(Qwen chat format\)/);
    assert.equal(lmModelInfo({...model, contextSize: 512}, 1024).maxOutputTokens, 256, "the reply never takes more than half the context");
});

test("a tool input gets null for optional properties left out, and a wrong one is refused with what is wrong", () => {
    assert.deepEqual(toolInput(readFileTool, {path: "a.txt"}), {path: "a.txt", startLine: null, endLine: null});
    assert.throws(() => toolInput(readFileTool, {startLine: 2}), /Wrong input for readFile: \/path must be string/);
});

test("package.json declares exactly the language model tools registered at run time, and only read-only ones plus the comparison", () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as {contributes: {languageModelTools: unknown; languageModelChatProviders: unknown}};
    assert.deepEqual(manifest.contributes.languageModelTools, JSON.parse(JSON.stringify(lmToolContributions())));
    assert.deepEqual(manifest.contributes.languageModelChatProviders, [{vendor: "quantpilot", displayName: "QuantPilot"}]);
    assert.ok(LM_READ_TOOLS.every((t) => t.kind === "read"));
    assert.deepEqual(lmToolContributions().map((t) => t.name), [
        "quantpilot_readFile", "quantpilot_listDirectory", "quantpilot_findFiles", "quantpilot_searchText",
        "quantpilot_getDiagnostics", "quantpilot_getEditorContext", "quantpilot_compareQuantizations"
    ]);
});

const variant = (fileType: string, bits: number, isCurrent = false): ModelVariant =>
    ({path: `/m/x-${fileType}.gguf`, fileName: `x-${fileType}.gguf`, fileType, bitsPerWeight: bits, sizeBytes: 1, isCurrent});

test("a comparison plan takes the unquantized reference and the other variants unless named", () => {
    const variants = [variant("F16", 16), variant("Q8_0", 8.5), variant("Q4_K_M", 4.85, true)];
    const all = planComparison(variants, {candidates: null, reference: null});
    assert.deepEqual([all.reference.fileType, all.referenceLabel, all.candidates.map((c) => c.fileType)], ["F16", "F16: the unquantized model", ["Q8_0", "Q4_K_M"]]);
    const named = planComparison(variants, {candidates: ["q4_k_m", "x-Q4_K_M.gguf"], reference: "Q8_0"});
    assert.deepEqual([named.reference.fileType, named.candidates.map((c) => c.fileType)], ["Q8_0", ["Q4_K_M"]]);
    assert.match(named.referenceLabel, /chosen as the reference .*itself quantized/);
    assert.match(describePlan(all), /^Compare Q8_0, Q4_K_M with F16 \(F16: the unquantized model\) on the built-in/);
    assert.throws(() => planComparison(variants, {candidates: ["Q2_K"], reference: null}), /No variant Q2_K .* Available: Q8_0, Q4_K_M\./);
    assert.throws(() => planComparison([variants[0]!], {candidates: null, reference: null}), /only one quantization/);
});
