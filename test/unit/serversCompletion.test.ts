import {after, before, mock, test} from "node:test";
import assert from "node:assert/strict";
import {createServer} from "node:net";
import {ServerConnection} from "../../src/servers/serverConnection";
import type {ServerEndpoint} from "../../src/servers/serverEndpoint";
import {ServerAuthError, ServerHttpError, ServerNotCapableError, ServerResponseError, ServerTimeoutError, ServerUnreachableError} from "../../src/servers/serverErrors";
import {FakeServer, fixture} from "../helpers/fakeServer";

const PREFIX = "def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n    return ";
const SUFFIX = "\n\n\nprint(mul(2, 3))\n";
const TIMEOUTS = {completionMs: 5000, chatMs: 5000};

let fake: FakeServer;

before(async () => {
    fake = await FakeServer.start();
});

after(async () => {
    await fake.close();
});

function connect(endpoint: Omit<ServerEndpoint, "url">, options: {key?: string; url?: string; timeoutMs?: number} = {}): ServerConnection {
    return new ServerConnection({...endpoint, url: options.url ?? fake.url}, async () => options.key,
        () => ({...TIMEOUTS, completionMs: options.timeoutMs ?? TIMEOUTS.completionMs}));
}

test("Ollama: /api/generate with the prefix and suffix, streamed lines read into a post-processed suggestion", async () => {
    fake.on("POST /api/generate", {body: fixture("ollama-generate-fim.ndjson")});
    const ollama = connect({name: "box", kind: "ollama", model: "qwen2.5-coder:1.5b"});
    const result = await ollama.completions.backend.complete({prefix: PREFIX, suffix: SUFFIX, fileName: "main.py", maxTokens: 16});
    assert.equal(result.text, "a * b");
    assert.equal(result.stopReason, "decided", "the cursor's line is done at its newline, so the stream is left there");
    // Read to its end, the stream's last part gives the prompt's figures.
    const whole = await ollama.completions.backend.complete({prefix: PREFIX, suffix: SUFFIX, fileName: "main.py", maxTokens: 16, raw: true});
    assert.equal(whole.promptTokensEvaluated, 41);
    const body = fake.requests.at(-1)!.body as Record<string, unknown>;
    assert.equal(body.model, "qwen2.5-coder:1.5b");
    assert.equal(body.prompt, PREFIX);
    assert.equal(body.suffix, SUFFIX);
    assert.equal(body.stream, true);
    assert.deepEqual(body.options, {num_predict: 16, temperature: 0, top_k: 1});
    assert.equal(result.promptParts?.countedBy, "estimate", "Ollama cannot count tokens for us: the parts say they are estimates");
    assert.equal(result.promptParts?.tokens.prefix, Math.ceil(PREFIX.length / 3.5));
    assert.equal(result.promptParts?.tokens.extraContext, 0);
});

test("OpenAI-compatible: /completions with suffix and the key as a bearer token; cached prompt tokens count as reused", async () => {
    fake.on("POST /v1/completions", {body: fixture("openai-completions-fim.sse")});
    const vllm = connect({name: "vllm", kind: "openai", model: "Qwen/Qwen2.5-Coder-7B-Instruct"}, {url: `${fake.url}/v1`, key: "sk-secret-1"});
    const result = await vllm.completions.backend.complete({prefix: PREFIX, suffix: SUFFIX, fileName: "main.py"});
    assert.equal(result.text, "a * b");
    assert.equal(result.promptTokensReused, 48);
    assert.equal(result.promptTokensEvaluated, 9);
    const request = fake.requests.at(-1)!;
    assert.equal(request.headers.authorization, "Bearer sk-secret-1");
    assert.equal((request.body as {suffix: string}).suffix, SUFFIX);
});

test("llama-server: /infill gets the stable lines, the typed lines and the suffix apart, with cache_prompt; its timings are the prompt figures", async () => {
    fake.on("POST /infill", {body: fixture("llama-server-infill-stream.sse")});
    fake.on("POST /tokenize", (request) => ({body: JSON.stringify({tokens: Array.from({length: Math.ceil(String((request.body as {content: string}).content).length / 4)}, (_x, i) => i)})}));
    const server = connect({name: "gpu", kind: "llamaServer"});
    const context = [{fileName: "util.py", text: "def helper():\n    return 1\n"}];
    const result = await server.completions.backend.complete({prefix: PREFIX, suffix: SUFFIX, fileName: "main.py", context});
    assert.equal(result.text, "a * b");
    assert.deepEqual([result.promptTokensEvaluated, result.promptTokensReused, result.promptTokens], [14, 198, 212]);
    const body = fake.requests.find((r) => r.path === "/infill")!.body as Record<string, unknown>;
    assert.equal(body.cache_prompt, true);
    assert.equal(`${body.input_prefix as string}${body.prompt as string}`, PREFIX, "stable + volatile is the prefix");
    assert.ok((body.prompt as string).endsWith("    return "));
    assert.equal(body.input_suffix, SUFFIX);
    assert.deepEqual(body.input_extra, [{filename: "util.py", text: "def helper():\n    return 1\n"}]);
    // The fake server's tokenizer: one token per 4 characters, counted per part.
    const quarter = (text: string) => Math.ceil(text.length / 4);
    assert.deepEqual(result.promptParts, {
        tokens: {
            prefix: quarter(body.input_prefix as string) + quarter(body.prompt as string), suffix: quarter(SUFFIX),
            extraContext: quarter("util.py\ndef helper():\n    return 1\n")
        },
        caps: {prefix: 1024, suffix: 256, extraContext: 1024},
        countedBy: "server"
    });
});

test("llama-server: the prompt budgets trim whole lines by the server's own token counts, the same way every time", async () => {
    fake.on("POST /infill", {body: fixture("llama-server-infill-stream.sse")});
    let tokenizeCalls = 0;
    fake.on("POST /tokenize", (request) => {
        tokenizeCalls++;
        return {body: JSON.stringify({tokens: Array.from({length: (request.body as {content: string}).content.split("\n").length}, () => 1)})};
    });
    const server = connect({name: "gpu", kind: "llamaServer"});
    const long = Array.from({length: 300}, (_x, i) => `x${i} = ${i}\n`).join("");
    const request = {prefix: long + "y = ", suffix: "\n", budget: {maxPrefixTokens: 50, maxSuffixTokens: 10, maxContextTokens: 10}};
    await server.completions.backend.complete(request);
    const first = fake.requests.filter((r) => r.path === "/infill").at(-1)!.body as {input_prefix: string};
    assert.ok(first.input_prefix.split("\n").length <= 51, `kept ${first.input_prefix.split("\n").length} lines`);
    assert.ok(first.input_prefix.endsWith("x299 = 299\n") || first.input_prefix === "", "the lines nearest the cursor are kept");
    const callsAfterFirst = tokenizeCalls;
    await server.completions.backend.complete(request);
    const second = fake.requests.filter((r) => r.path === "/infill").at(-1)!.body as {input_prefix: string};
    assert.equal(second.input_prefix, first.input_prefix);
    assert.equal(tokenizeCalls, callsAfterFirst, "the same text is not tokenized again");
});

test("a server that is down: one clear message naming it", async () => {
    const port = await closedPort();
    const down = connect({name: "box", kind: "ollama", model: "m"}, {url: `http://127.0.0.1:${port}`});
    await assert.rejects(down.completions.backend.complete({prefix: PREFIX, suffix: SUFFIX}), (err: Error) =>
        err instanceof ServerUnreachableError && /Cannot reach box \(Ollama at http:\/\/127\.0\.0\.1:\d+\): the connection was refused/.test(err.message));
});

test("404 and 500 answers carry the status and the server's own words", async () => {
    fake.on("POST /api/generate", {status: 404, body: "{\"error\":\"model \\\"nope\\\" not found, try pulling it first\"}"});
    const ollama = connect({name: "box", kind: "ollama", model: "nope"});
    await assert.rejects(ollama.completions.backend.complete({prefix: "a", suffix: ""}), (err: Error) =>
        err instanceof ServerHttpError && err.status === 404 && err.message.includes("model \"nope\" not found, try pulling it first"));
    fake.on("POST /infill", {status: 500, body: "{\"error\":{\"code\":500,\"message\":\"failed to decode the batch\",\"type\":\"server_error\"}}"});
    fake.on("POST /tokenize", {body: "{\"tokens\":[1]}"});
    const server = connect({name: "gpu", kind: "llamaServer"});
    await assert.rejects(server.completions.backend.complete({prefix: "a", suffix: ""}), (err: Error) =>
        err instanceof ServerHttpError && err.status === 500 && err.message.endsWith("answered 500 to /infill: failed to decode the batch"));
});

test("malformed JSON, and a stream cut midway, are each one clear error", async () => {
    fake.on("POST /api/show", {body: "<html><body>Bad gateway</body></html>", contentType: "text/html"});
    const ollama = connect({name: "box", kind: "ollama", model: "m"});
    await assert.rejects(ollama.completions.backend.refresh(), (err: Error) =>
        err instanceof ServerResponseError && err.message.includes("the answer is not JSON (it starts with \"<html><body>Bad gateway"));
    const stream = fixture("ollama-generate-fim.ndjson");
    fake.on("POST /api/generate", {body: stream, cutAfterBytes: stream.indexOf("\n") + 1});
    await assert.rejects(ollama.completions.backend.complete({prefix: PREFIX, suffix: SUFFIX, raw: true}), (err: Error) =>
        err instanceof ServerResponseError && /stopped midway/.test(err.message));
    fake.on("POST /api/generate", {body: stream.slice(0, stream.indexOf("\n") + 1)});
    await assert.rejects(ollama.completions.backend.complete({prefix: PREFIX, suffix: SUFFIX, raw: true}), (err: Error) =>
        err instanceof ServerResponseError && /stopped midway, before its last part/.test(err.message));
});

test("a very slow server is given up when the budget is spent, not waited for", async (t) => {
    fake.on("POST /api/generate", {body: fixture("ollama-generate-fim.ndjson"), hang: {partial: 0}});
    const ollama = connect({name: "box", kind: "ollama", model: "m"}, {timeoutMs: 3000});
    mock.timers.enable({apis: ["setTimeout"]});
    t.after(() => mock.timers.reset());
    const arrived = fake.nextRequest();
    const pending = ollama.completions.backend.complete({prefix: PREFIX, suffix: SUFFIX});
    await arrived;
    mock.timers.tick(3001);
    await assert.rejects(pending, (err: Error) => err instanceof ServerTimeoutError && err.message.includes("within 3000 ms"));
});

test("a model without fill-in-the-middle turns completions off with the reason, and is not asked again", async () => {
    fake.on("POST /api/generate", {status: 400, body: fixture("ollama-generate-no-insert.json")});
    const ollama = connect({name: "box", kind: "ollama", model: "llama3.2:3b"});
    await assert.rejects(ollama.completions.backend.complete({prefix: "a", suffix: ""}), (err: Error) =>
        err instanceof ServerNotCapableError && err.message.includes("llama3.2:3b has no fill-in-the-middle template"));
    assert.equal(ollama.completions.backend.model?.hasFim, false);
    const asked = fake.requests.length;
    await assert.rejects(ollama.completions.backend.complete({prefix: "a", suffix: ""}), ServerNotCapableError);
    assert.equal(fake.requests.length, asked);

    fake.on("POST /v1/completions", {status: 400, body: fixture("openai-completions-no-suffix.json")});
    const vllm = connect({name: "vllm", kind: "openai", model: "m"}, {url: `${fake.url}/v1`});
    await assert.rejects(vllm.completions.backend.complete({prefix: "a", suffix: ""}), (err: Error) =>
        err instanceof ServerNotCapableError && err.message.startsWith("Completions are off for vllm"));

    fake.on("POST /infill", {status: 501, body: "{\"error\":{\"code\":501,\"message\":\"Infill is not supported by this model: prefix token is missing. \",\"type\":\"not_supported_error\"}}"});
    fake.on("POST /tokenize", {body: "{\"tokens\":[1]}"});
    const server = connect({name: "gpu", kind: "llamaServer"});
    await assert.rejects(server.completions.backend.complete({prefix: "a", suffix: ""}), (err: Error) =>
        err instanceof ServerNotCapableError && err.message.includes("has no fill-in-the-middle tokens"));
    assert.equal(server.completions.backend.model?.hasFim, false);
});

test("a wrong API key: the server's refusal and what to do, never the key itself", async () => {
    fake.on("GET /v1/models", {status: 401, body: fixture("openai-401.json")});
    const vllm = connect({name: "vllm", kind: "openai", model: "m"}, {url: `${fake.url}/v1`, key: "sk-wrong-key-123"});
    await assert.rejects(vllm.completions.probe(new AbortController().signal), (err: Error) => {
        assert.ok(err instanceof ServerAuthError);
        assert.match(err.message, /answered 401 to \/models: Incorrect API key provided.*The API key was refused: set the right one with QuantPilot: Set or Clear Server API Key/);
        assert.ok(!err.message.includes("sk-wrong-key-123"));
        return true;
    });
});

test("health probes read the model's facts: Ollama's capabilities, the OpenAI model list", async () => {
    fake.on("POST /api/show", {body: fixture("ollama-show-coder.json")});
    const ollama = connect({name: "box", kind: "ollama", model: "qwen2.5-coder:1.5b"});
    const facts = await ollama.completions.backend.refresh();
    assert.deepEqual([facts.hasFim, facts.supportsTools, facts.contextSize, facts.quantization], [true, true, 32768, "Q4_K_M"]);
    fake.on("POST /api/show", {body: fixture("ollama-show-chat-only.json")});
    assert.equal((await connect({name: "box", kind: "ollama", model: "llama3.2:3b"}).completions.backend.refresh()).hasFim, false);
    fake.on("GET /v1/models", {body: fixture("openai-models.json")});
    await assert.rejects(connect({name: "vllm", kind: "openai", model: "other"}, {url: `${fake.url}/v1`}).completions.backend.refresh(),
        /does not list the model "other" \(it has Qwen\/Qwen2\.5-Coder-7B-Instruct\)/);
});

function closedPort(): Promise<number> {
    return new Promise((resolve) => {
        const server = createServer();
        server.listen(0, "127.0.0.1", () => {
            const port = (server.address() as {port: number}).port;
            server.close(() => resolve(port));
        });
    });
}
