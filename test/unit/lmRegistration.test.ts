import "../helpers/vscode/installVscodeStub";
import {beforeEach, test} from "node:test";
import assert from "node:assert/strict";
import {ModelHost} from "../../src/engine/modelHost";
import {Config} from "../../src/config";
import {lmToolContributions} from "../../src/lm/lmToolContributions";
import {registerLanguageModels, type LanguageModelServices} from "../../src/lm/vscode/registerLanguageModels";
import type {LanguageModelChatProvider} from "../../src/lm/vscode/lmProviderApi";
import {externalTools} from "../../src/tools/vscode/externalTools";
import {FakeLoader} from "../helpers/fakeModelLoader";
import {recordingLogger} from "../helpers/recordingLogger";
import {CancellationTokenSource, lm, ui, workspace} from "../helpers/vscode/vscodeStub";

beforeEach(() => ui.reset());

function services(): LanguageModelServices & {log: ReturnType<typeof recordingLogger>; abRuns: unknown[]} {
    const host = new ModelHost(new FakeLoader(), async () => ({gpu: "cpu", threads: 1, contextSize: 1024}));
    const abRuns: unknown[] = [];
    return {
        models: host,
        chat: {model: undefined, runTurn: () => Promise.reject(new Error("not in this test"))},
        tokenizer: () => undefined,
        maxReplyTokens: () => 512,
        log: recordingLogger(),
        modelServices: {models: host as never, config: new Config(), storageDir: "/nonexistent"},
        ab: {run: async (request) => {
            abRuns.push(request);
            throw new Error("not in this test");
        }},
        abRuns
    };
}

/** An editor of 1.104 or later: the stub's lm plus chat provider registration, recorded. */
function lmWithProviders() {
    const providers = new Map<string, LanguageModelChatProvider>();
    return {providers, lm: {
        ...lm,
        registerLanguageModelChatProvider(vendor: string, provider: LanguageModelChatProvider) {
            providers.set(vendor, provider);
            return {dispose: () => providers.delete(vendor)};
        }
    }};
}

test("on an editor without chat model providers (1.100), no provider is registered, the tools are, and a log line says why", () => {
    const s = services();
    const disposables = registerLanguageModels(s, {lm});
    assert.deepEqual([...ui.lmTools.keys()], lmToolContributions().map((t) => t.name));
    assert.ok(s.log.lines.some((l) => /^info: Language model API: this editor \(1\.100\.0-stub\) cannot take chat model providers \(VS Code 1\.104\+\)/.test(l)));
    assert.ok(!s.log.lines.some((l) => l.startsWith("error") || l.startsWith("warn")));
    disposables.forEach((d) => d.dispose());
    assert.equal(ui.lmTools.size, 0, "disposing unregisters every tool");
});

test("on an editor without any language model API, nothing is registered and nothing throws", () => {
    const s = services();
    assert.deepEqual(registerLanguageModels(s, {}), [], "no lm namespace at all");
    assert.deepEqual(registerLanguageModels(s, {lm: {}}), [], "an lm namespace without either function");
    assert.equal(ui.lmTools.size, 0);
    assert.ok(s.log.lines.some((l) => /has no language model tools API/.test(l)));
});

test("on 1.104+, the provider is registered under the vendor quantpilot and unregistered on dispose", () => {
    const s = services();
    const editor = lmWithProviders();
    const disposables = registerLanguageModels(s, {lm: editor.lm});
    assert.deepEqual([...editor.providers.keys()], ["quantpilot"]);
    assert.deepEqual(editor.providers.get("quantpilot")?.provideLanguageModelChatInformation({silent: true}, new CancellationTokenSource().token), []);
    disposables.forEach((d) => d.dispose());
    assert.equal(editor.providers.size, 0);
});

test("the read tools refuse to run in Restricted Mode, and the comparison asks first and explains when there is nothing to compare", async () => {
    const s = services();
    registerLanguageModels(s, {lm});
    workspace.isTrusted = false;
    const token = new CancellationTokenSource().token;
    await assert.rejects(Promise.resolve(ui.lmTools.get("quantpilot_readFile")!.invoke({input: {path: "a.txt"}, toolInvocationToken: undefined}, token)), /the workspace is in Restricted Mode/);
    const read = await ui.lmTools.get("quantpilot_findFiles")!.prepareInvocation!({input: {glob: "*"}}, token);
    assert.equal(read?.confirmationMessages, undefined, "reading runs without asking, as in the assistant");
    const compare = ui.lmTools.get("quantpilot_compareQuantizations")!;
    await assert.rejects(Promise.resolve(compare.prepareInvocation!({input: {candidates: null, reference: null}}, token)), /no model loaded, so there are no quantizations of it to compare/);
    await assert.rejects(Promise.resolve(compare.invoke({input: {}, toolInvocationToken: undefined}, token)), /no model loaded/);
    assert.equal(s.abRuns.length, 0);
});

test("the assistant does not offer QuantPilot's own registered tools back to itself as other extensions' tools", () => {
    const info = (name: string) => ({name, description: name, inputSchema: {type: "object", properties: {}}, tags: []});
    lm.tools = [...lmToolContributions().map((t) => info(t.name)), info("otherExtension_lookUp")];
    const offered = externalTools(new Set(["readFile"]), async () => true, 1000);
    assert.deepEqual(offered.tools.map((t) => t.name), ["otherExtension_lookUp"]);
});
