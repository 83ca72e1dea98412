import {test} from "node:test";
import assert from "node:assert/strict";
import {apiKeyId, endpointsProblem, isLoopbackHost, isPlainHttpToAnotherMachine} from "../../src/servers/serverEndpoint";
import {parsePrometheusText} from "../../src/servers/serverFigures";
import {checkSetting} from "../../src/settings/settingsSchema";

test("an endpoint list is checked entry by entry, and the problem names the entry", () => {
    assert.equal(endpointsProblem([{name: "gpu", kind: "llamaServer", url: "http://127.0.0.1:8080"}]), undefined);
    assert.equal(endpointsProblem([{name: "box", kind: "ollama", url: "http://127.0.0.1:11434", model: "qwen2.5-coder:1.5b"}]), undefined);
    assert.match(endpointsProblem([{name: "box", kind: "ollama", url: "http://127.0.0.1:11434"}])!, /entry 1: "model" is needed for Ollama servers/);
    assert.match(endpointsProblem([{name: "a", kind: "vllm", url: "http://x"}])!, /"kind" must be one of llamaServer, ollama, openai/);
    assert.match(endpointsProblem([{name: "a", kind: "openai", url: "ftp://x", model: "m"}])!, /must start with http/);
    assert.match(endpointsProblem([{name: "a", kind: "openai", url: "https://u:p@x/v1", model: "m"}])!, /must not contain a user name or password/);
    assert.match(endpointsProblem([{name: "a", kind: "openai", url: "https://x/v1", model: "m", apiKey: "sk-1"}])!, /unknown field "apiKey" \(API keys go in secret storage/);
    assert.match(endpointsProblem([{name: "local", kind: "llamaServer", url: "http://x"}])!, /not "local"/);
    assert.match(endpointsProblem([{name: "a", kind: "llamaServer", url: "http://x"}, {name: "a", kind: "llamaServer", url: "http://y"}])!, /names "a" twice/);
});

test("a bad endpoint list falls back to none, with the one policy for bad settings", () => {
    const checked = checkSetting("servers.endpoints", [{name: "gpu", kind: "llamaServer"}]);
    assert.deepEqual(checked.value, []);
    assert.match(checked.problem!, /has a bad entry 1: "url" must be text; using \[\]/);
    assert.deepEqual(checkSetting("servers.endpoints", [{name: "gpu", kind: "llamaServer", url: "http://127.0.0.1:8080"}]).value,
        [{name: "gpu", kind: "llamaServer", url: "http://127.0.0.1:8080"}]);
});

test("only plain http to another machine is warned about", () => {
    for (const host of ["localhost", "127.0.0.1", "127.1.2.3", "[::1]", "dev.localhost"])
        assert.ok(isLoopbackHost(new URL(`http://${host}:1`).hostname), host);
    assert.equal(isPlainHttpToAnotherMachine({name: "a", kind: "llamaServer", url: "http://127.0.0.1:8080"}), false);
    assert.equal(isPlainHttpToAnotherMachine({name: "a", kind: "llamaServer", url: "https://10.0.0.5:8080"}), false);
    assert.equal(isPlainHttpToAnotherMachine({name: "a", kind: "llamaServer", url: "http://10.0.0.5:8080"}), true);
    assert.equal(isPlainHttpToAnotherMachine({name: "a", kind: "llamaServer", url: "http://128.0.0.1:8080"}), true);
});

test("an API key is filed under the endpoint's name and origin, so a changed URL never receives an old key", () => {
    const a = apiKeyId({name: "gpu", kind: "openai", url: "https://a.example/v1", model: "m"});
    assert.equal(a, "quantpilot.server.apiKey:gpu@https://a.example");
    assert.notEqual(apiKeyId({name: "gpu", kind: "openai", url: "https://b.example/v1", model: "m"}), a);
});

test("Prometheus text: samples by name, comments and labels ignored", () => {
    const values = parsePrometheusText("# HELP llamacpp:predicted_tokens_seconds Average\n# TYPE llamacpp:predicted_tokens_seconds gauge\n" +
        "llamacpp:predicted_tokens_seconds 41.5\nllamacpp:requests_processing{slot=\"0\"} 1\nbroken line\n");
    assert.equal(values.get("llamacpp:predicted_tokens_seconds"), 41.5);
    assert.equal(values.get("llamacpp:requests_processing"), 1);
    assert.equal(values.size, 2);
});
