/**
 * QuantPilot on a real llama-server (built from the llama.cpp source node-llama-cpp ships, by
 * scripts/build-llama-tools.sh) and on llama.cpp's RPC backend: two rpc-server processes on
 * loopback and a llama-server --rpc that splits the model's layers across them.
 */
import {after, before, test} from "node:test";
import assert from "node:assert/strict";
import type {ChatTool} from "../../src/engine/chat/chatTool";
import type {ToolCallPart} from "../../src/engine/chat/chatTranscript";
import {ServerConnection} from "../../src/servers/serverConnection";
import {ServerNotCapableError} from "../../src/servers/serverErrors";
import {llamaToolsBin, startLlamaServer, startRpcServer, type LlamaServer, type RpcServer} from "../../bench/llamaServerProcess";
import {testModel} from "../helpers/testModels";

const ABOVE = "import math\n\n\ndef area(r):\n    return math.pi * r * r\n\n\ndef add(a, b):\n";
const BELOW = "\n\n\ndef sub(a, b):\n    return a - b\n\n\nprint(add(1, 2), sub(3, 4), area(2.0))\n";
const SERVER_ARGS = ["-t", "1", "-tb", "1", "-c", "1024", "-np", "1", "--metrics", "--no-webui", "--no-repack"];
const TIMEOUTS = {completionMs: 60_000, chatMs: 60_000};
/**
 * The replies a random-weight model is made to give (TurnRequest.script): a tool call in the
 * template's own format, which llama-server's tool-call parser turns into a call, then an answer.
 */
const SCRIPT = ["<tool_call>\n{\"name\": \"convert\", \"arguments\": {\"unit\": \"celsius\"}}\n</tool_call>", "It is 21 degrees."];

let server: LlamaServer;
/** Why the tools could not be built (no cmake or compiler); the tests then skip with it. */
let unavailable: string | undefined;

before(async () => {
    try {
        await llamaToolsBin("llama-server", ["rpc-server"]);
    } catch (err) {
        unavailable = `llama-server and rpc-server could not be built (scripts/build-llama-tools.sh needs git, cmake and a C++ compiler): ${String(err).slice(0, 200)}`;
        return;
    }
    server = await startLlamaServer(await testModel("tiny"), SERVER_ARGS);
});

after(async () => {
    await server?.stop();
});

async function tokenCount(connection: ServerConnection, text: string): Promise<number> {
    const answer = await connection.http.postJson("/tokenize", {content: text}, {timeoutMs: 10_000}) as {tokens: unknown[]};
    return answer.tokens.length;
}

function connect(url: string): ServerConnection {
    return new ServerConnection({name: "test", kind: "llamaServer", url}, async () => undefined, () => TIMEOUTS);
}

/** One tool with a closed schema, so a grammar-constrained call from random weights stays short. */
function unitTool(calls: unknown[]): ChatTool {
    return {
        name: "convert",
        description: "Convert a temperature",
        params: {type: "object", properties: {unit: {type: "string", enum: ["celsius", "fahrenheit"]}}, required: ["unit"], additionalProperties: false},
        invoke: async (params) => {
            calls.push(params);
            return {result: "21 degrees", summary: "converted"};
        }
    };
}

test("llama-server's /props give the model's facts", async (t) => {
    if (unavailable != null)
        return t.skip(unavailable);
    const facts = await connect(server.url).completions.backend.refresh();
    assert.equal(facts.name, "tiny-s1-f16.gguf");
    assert.equal(facts.contextSize, 1024);
    assert.equal(facts.hasFim, true);
});

test("a keystroke on llama-server re-evaluates only the current line and the code below it; its timings say so", async (t) => {
    if (unavailable != null)
        return t.skip(unavailable);
    const connection = connect(server.url);
    const completer = connection.completions.backend;
    const suffixTokens = await tokenCount(connection, BELOW);
    const first = await completer.complete({prefix: ABOVE + "    return a", suffix: BELOW, fileName: "main.py", maxTokens: 4});
    assert.ok(first.promptTokens > suffixTokens + 20, `prompt ${first.promptTokens}`);
    const typed = await completer.complete({prefix: ABOVE + "    return a +", suffix: BELOW, fileName: "main.py", maxTokens: 4});
    assert.equal(typed.promptTokensEvaluated + typed.promptTokensReused, typed.promptTokens);
    // llama-server lays /infill out as <PRE> prefix prompt <SUF> suffix <MID>: the changed line and the suffix after it.
    assert.ok(typed.promptTokensEvaluated <= suffixTokens + 8, `evaluated ${typed.promptTokensEvaluated}, suffix ${suffixTokens}`);
    assert.ok(typed.promptTokensReused >= typed.promptTokens - suffixTokens - 8, `reused ${typed.promptTokensReused} of ${typed.promptTokens}`);
});

test("a warm-up on llama-server evaluates all but the current line, so the next keystroke finds it cached", async (t) => {
    if (unavailable != null)
        return t.skip(unavailable);
    const connection = connect(server.url);
    const completer = connection.completions.backend;
    const suffixTokens = await tokenCount(connection, BELOW);
    await completer.complete({prefix: "x = 1\n", suffix: "", maxTokens: 1});
    const warm = await completer.warm!({prefix: ABOVE + "    ret", suffix: BELOW, fileName: "main.py"});
    assert.ok(warm.promptTokensEvaluated > suffixTokens + 20, `warm-up evaluated ${warm.promptTokensEvaluated}`);
    const typed = await completer.complete({prefix: ABOVE + "    retu", suffix: BELOW, fileName: "main.py", maxTokens: 2});
    assert.ok(typed.promptTokensReused >= warm.promptTokensEvaluated + warm.promptTokensReused - suffixTokens - 4, `reused ${typed.promptTokensReused}`);
    assert.ok(typed.promptTokensEvaluated <= suffixTokens + 8, `evaluated ${typed.promptTokensEvaluated}`);
});

test("llama-server's /metrics and /slots fill the panel's server figures", async (t) => {
    if (unavailable != null)
        return t.skip(unavailable);
    const figures = await connect(server.url).figures();
    assert.equal(figures.slotsTotal, 1);
    assert.equal(figures.kvCapacity, 1024);
    assert.ok(figures.kvTokens != null && figures.kvTokens > 0, `kv ${figures.kvTokens}`);
    assert.ok(figures.tokensPerSecond != null && figures.tokensPerSecond >= 0);
    assert.equal(figures.note, null);
});

test("the assistant's tool call through llama-server's /v1/chat/completions", async (t) => {
    if (unavailable != null)
        return t.skip(unavailable);
    const calls: unknown[] = [];
    const chat = connect(server.url).chat(() => ({maxReplyTokens: 64, temperature: 0}));
    const result = await chat.runTurn({
        systemPrompt: "You convert temperatures.", history: [{role: "user", text: "Convert 70F"}], tools: [unitTool(calls)], script: SCRIPT
    });
    const parts = result.turn.parts.filter((p): p is ToolCallPart => p.type === "toolCall");
    assert.equal(parts.length, 1, JSON.stringify(result.turn.parts));
    assert.equal(parts[0]!.status, "done");
    assert.deepEqual(calls, [{unit: "celsius"}]);
    assert.equal(result.stopReason, "done");
});

test("a model without FIM tokens on llama-server: completions off with the reason", async (t) => {
    if (unavailable != null)
        return t.skip(unavailable);
    const plain = await startLlamaServer(await testModel("llama-spm"), SERVER_ARGS);
    try {
        await assert.rejects(connect(plain.url).completions.backend.complete({prefix: "x = ", suffix: ""}), (err: Error) =>
            err instanceof ServerNotCapableError && /has no fill-in-the-middle tokens/.test(err.message) && /Infill is not supported/.test(err.message));
    } finally {
        await plain.stop();
    }
});

test("two rpc-server processes and llama-server --rpc: the model is split across them, and serves a completion and a tool call", async (t) => {
    if (unavailable != null)
        return t.skip(unavailable);
    const workers: RpcServer[] = [];
    let split: LlamaServer | undefined;
    try {
        workers.push(await startRpcServer(), await startRpcServer());
        split = await startLlamaServer(await testModel("tiny"), [...SERVER_ARGS, "--rpc", workers.map((w) => w.address).join(","), "-ngl", "99", "-lv", "4"]);
        for (const worker of workers)
            assert.match(split.log(), new RegExp(`RPC\\d*\\[${worker.address.replace(/\./g, "\\.")}\\] model buffer size`), "the model has layers on each worker");
        const connection = connect(split.url);
        const completion = await connection.completions.backend.complete({prefix: ABOVE + "    return a", suffix: BELOW, maxTokens: 4});
        assert.ok(completion.tokens >= 1 && completion.promptTokens > 40);
        const calls: unknown[] = [];
        const chat = connection.chat(() => ({maxReplyTokens: 64, temperature: 0}));
        const turn = await chat.runTurn({systemPrompt: "You convert temperatures.", history: [{role: "user", text: "Convert 70F"}], tools: [unitTool(calls)], script: SCRIPT});
        assert.equal(turn.stopReason, "done");
        assert.deepEqual(calls, [{unit: "celsius"}]);
    } finally {
        await split?.stop();
        await Promise.all(workers.map((w) => w.stop()));
    }
});
