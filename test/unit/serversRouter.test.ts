import {mock, test} from "node:test";
import assert from "node:assert/strict";
import type {CompletionBackend, CompletionRequest, CompletionResult} from "../../src/completion/completionRequest";
import type {ModelDescription} from "../../src/engine/modelDescription";
import {CompletionRouter, type CompletionRoute, type ServerCompletions} from "../../src/servers/completionRouter";
import {ServerError, ServerNotCapableError, ServerUnreachableError} from "../../src/servers/serverErrors";
import {assumedFacts, serverModelDescription} from "../../src/servers/serverModel";
import {silentLogger} from "../../src/util/logger";

const REQUEST: CompletionRequest = {prefix: "x = ", suffix: ""};

function result(text: string): CompletionResult {
    return {
        text, suggestions: [text], rawText: text, ttftMs: 1, tokens: 1, tokensPerSecond: 0, promptTokensEvaluated: 1,
        promptTokensReused: 0, promptTokens: 1, stopReason: "eog", totalMs: 1
    };
}

/** A backend that answers `text`, or fails with what `fail` returns while it returns an error. */
function backend(text: string, model: ModelDescription | undefined, fail: () => Error | undefined = () => undefined): CompletionBackend & {calls: number} {
    return {
        calls: 0,
        model,
        complete(this: {calls: number}) {
            this.calls++;
            const err = fail();
            return err != null ? Promise.reject(err) : Promise.resolve(result(text));
        }
    };
}

const endpoint = {name: "gpu", kind: "llamaServer" as const, url: "http://10.0.0.5:8080"};
const serverModel = serverModelDescription(endpoint, assumedFacts(endpoint));
const localModel = {...serverModel, path: "/models/local.gguf", fileName: "local.gguf"};

/** A server that is down until `up` is set; its probe says the same. */
type Flaky = ServerCompletions & {up: boolean; probes: number; backend: CompletionBackend & {calls: number}};

function flakyServer(): Flaky {
    const server: Flaky = {
        up: false,
        probes: 0,
        label: "gpu (llama-server at http://10.0.0.5:8080)",
        backend: backend("from server", serverModel, () => server.up ? undefined : new ServerUnreachableError("gpu", "the connection was refused")),
        probe: async () => {
            server.probes++;
            if (!server.up)
                throw new ServerUnreachableError("gpu", "the connection was refused");
        }
    };
    return server;
}

/** Resolves with the next route the router announces. */
function nextRoute(router: CompletionRouter): Promise<CompletionRoute> {
    return new Promise((resolve) => {
        const subscription = router.onDidChangeRoute((route) => {
            subscription.dispose();
            resolve(route);
        });
    });
}

test("without a server the router only forwards to the in-process completer", async () => {
    const local = backend("local", localModel);
    const router = new CompletionRouter(local, silentLogger);
    assert.equal(router.model, localModel);
    assert.equal((await router.complete(REQUEST)).text, "local");
    assert.deepEqual(router.route, {kind: "local"});
});

test("a failing server hands completions to the in-process model, is checked with growing waits, and gets them back", async (t) => {
    mock.timers.enable({apis: ["setTimeout"]});
    t.after(() => mock.timers.reset());
    const local = backend("local", localModel);
    const server = flakyServer();
    server.up = true;
    const router = new CompletionRouter(local, silentLogger);
    router.use(server);
    assert.equal(server.probes, 1, "a new server is checked once at once, for its model's facts");
    assert.equal((await router.complete(REQUEST)).text, "from server");
    server.up = false;
    const fellBack = nextRoute(router);
    assert.equal((await router.complete(REQUEST)).text, "local", "the keystroke that found the server down still gets a suggestion");
    assert.equal((await fellBack).kind, "fallback");
    assert.equal(router.model, localModel);
    assert.equal((await router.complete(REQUEST)).text, "local");
    assert.equal(server.backend.calls, 2, "no request goes to a server known to be down");
    for (const wait of [1000, 2000, 4000]) {
        mock.timers.tick(wait - 1);
        assert.equal(server.probes, 1 + [1000, 2000, 4000].indexOf(wait), `no check before ${wait} ms`);
        mock.timers.tick(1);
        await waitForProbe(server, 2 + [1000, 2000, 4000].indexOf(wait));
    }
    server.up = true;
    const back = nextRoute(router);
    mock.timers.tick(8000);
    assert.deepEqual(await back, {kind: "server", server: server.label});
    assert.equal((await router.complete(REQUEST)).text, "from server");
    router.dispose();
});

test("without an in-process model a failing server says so on each request until it is back", async (t) => {
    mock.timers.enable({apis: ["setTimeout"]});
    t.after(() => mock.timers.reset());
    const router = new CompletionRouter(backend("local", undefined), silentLogger);
    const server = flakyServer();
    router.use(server);
    await assert.rejects(router.complete(REQUEST), ServerError);
    assert.equal(router.route.kind, "down");
    await assert.rejects(router.complete(REQUEST), /gpu \(llama-server at http:\/\/10\.0\.0\.5:8080\) is not serving completions \(.*connection was refused.*\) and no in-process model is loaded/);
    router.dispose();
});

test("a server that cannot complete code is not checked again: completions stay in-process", async (t) => {
    mock.timers.enable({apis: ["setTimeout"]});
    t.after(() => mock.timers.reset());
    const server = {...flakyServer(), probes: 0};
    const notCapable = {...server, backend: backend("x", serverModel, () => new ServerNotCapableError("no FIM")), probe: async () => void server.probes++};
    const router = new CompletionRouter(backend("local", localModel), silentLogger);
    router.use(notCapable);
    assert.equal((await router.complete(REQUEST)).text, "local");
    assert.equal(router.route.kind, "unsupported");
    mock.timers.tick(120_000);
    assert.equal(server.probes, 1, "only the first check, when the server was chosen");
    router.dispose();
});

/** Lets the probe's promise settle (it resolves in a microtask after its timer fired). */
async function waitForProbe(server: {probes: number}, count: number): Promise<void> {
    while (server.probes < count)
        await Promise.resolve();
    await new Promise<void>((resolve) => setImmediate(resolve));
}
