import {test} from "node:test";
import assert from "node:assert/strict";
import type {ChatBackend} from "../../src/engine/chat/chatBackend";
import type {TurnResult} from "../../src/engine/chat/toolChat";
import type {BackendsView, PanelState} from "../../src/panel/protocol";
import {parseWebviewMessage} from "../../src/panel/webviewMessages";
import {ChatRouter} from "../../src/servers/chatRouter";
import {applyHostMessage} from "../../webview/panel/panelStore";

const BACKENDS: BackendsView = {
    jobs: [
        {job: "completions", where: "This process", kind: "local", url: null, model: "coder.gguf", state: "ok", detail: null, quantizationSwitch: {available: true, reason: null}},
        {job: "assistant", where: "gpu", kind: "llamaServer", url: "http://10.0.0.5:8080", model: "qwen-7b.gguf", state: "ok", detail: null,
            quantizationSwitch: {available: false, reason: "llama-server serves the GGUF file it was started with"}}
    ],
    servers: [{name: "gpu", url: "http://10.0.0.5:8080", tokensPerSecond: 41, promptTokensPerSecond: 900, kvTokens: 512, kvCapacity: 8192,
        slotsBusy: 1, slotsTotal: 2, requestsWaiting: 0, note: null}]
};

function state(): PanelState {
    return {
        sampleIntervalMs: 1000, hardware: null, history: [], model: {kind: "none"}, memory: null, requests: [],
        variants: {kind: "noModel"}, switching: {kind: "idle"}, quantize: {available: true, reason: null},
        ab: {running: null, history: [], selected: null}, lora: {known: [], busy: null, failure: null}
    };
}

test("the panel learns where each job runs from its own message, and only that part is drawn again", () => {
    const s = applyHostMessage(undefined, {type: "state", state: state()}).state!;
    assert.equal(s.backends, undefined, "a host without server support sends none");
    const next = applyHostMessage(s, {type: "backends", backends: BACKENDS});
    assert.equal(next.change, "backends");
    assert.deepEqual(next.state!.backends, BACKENDS);
});

test("the panel's two server messages pass validation with no fields", () => {
    for (const type of ["switchQuantization", "openServerSettings"])
        assert.deepEqual(parseWebviewMessage({type, path: "/etc/passwd"}), {ok: true, message: {type}});
});

/** A chat backend that answers with its name and counts how it is used. */
function fakeChat(name: string): ChatBackend & {turns: number; disposed: boolean; fire(): void} {
    const listeners = new Set<() => void>();
    return {
        turns: 0, disposed: false,
        model: {fileName: name, chatWrapper: "test", supportsTools: true},
        onDidChangeModel: (listener) => {
            listeners.add(listener);
            return {dispose: () => listeners.delete(listener)};
        },
        async runTurn(this: {turns: number}): Promise<TurnResult> {
            this.turns++;
            return {turn: {role: "assistant", parts: [{type: "text", text: name}]}, stopReason: "done", toolsOffered: false};
        },
        forgetContext: () => undefined,
        async dispose(this: {disposed: boolean}) {
            this.disposed = true;
        },
        fire: () => listeners.forEach((l) => l())
    };
}

test("the assistant's chat moves to a server and back; the view hears of each move, and a replaced server is disposed", async () => {
    const local = fakeChat("local");
    const router = new ChatRouter(local);
    let changes = 0;
    router.onDidChangeModel(() => changes++);
    const server = fakeChat("server");
    router.use(server);
    assert.equal(router.model?.fileName, "server");
    assert.equal((await router.runTurn({systemPrompt: "", history: [], tools: []})).turn.parts[0]!.type, "text");
    assert.equal(server.turns, 1);
    local.fire();
    assert.equal(changes, 1, "the in-process model's changes do not matter while a server chats");
    router.use(undefined);
    assert.equal(server.disposed, true);
    assert.equal(router.model?.fileName, "local");
    assert.equal(changes, 2);
    await router.runTurn({systemPrompt: "", history: [], tools: []});
    assert.equal(local.turns, 1);
});
