/**
 * VS Code's language model API in a real editor: QuantPilot's VSIX and a test-only consumer
 * extension (test/e2e/consumer, plain JS) are installed side by side; the consumer's command
 * selects the models of vendor "quantpilot", sends a plain request and one with a tool, counts
 * tokens, and writes what it got to lm-result.json in the workspace.
 * - QP_E2E_EDITOR=current (VS Code 1.104+): the answer comes from QuantPilot's loaded generated
 *   test model: its file as the model id, its architecture and quantization, a non-empty stream,
 *   a tool call parsed by the grammar (made exact by the scripted token bias,
 *   QUANTPILOT_TEST_LM_SCRIPT) and the model's own token count.
 * - QP_E2E_EDITOR=1.100 (default): no chat provider exists, the consumer finds no model, and
 *   nothing errors; the language model tools are registered all the same.
 * On both, QuantPilot's readFile tool, invoked by the consumer, reads a workspace file.
 */
import assert from "node:assert/strict";
import {execFile} from "node:child_process";
import {existsSync} from "node:fs";
import {cp, mkdir, mkdtemp, readFile, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {dirname, join} from "node:path";
import {after, before, test} from "node:test";
import {promisify} from "node:util";
import {qwenToolCallScript} from "../../src/engine/chat/scriptedTokenBias";
import {lmToolContributions} from "../../src/lm/lmToolContributions";
import {codeServerCommand, packageVsix, startVsCode, waitFor, type VsCodeSession} from "./harness/codeServer";
import {selectedEditorId} from "./harness/editor";
import {EXTENSION_ID, STATUS_ITEM_ID, quantPilotSettings, vsixUnderTest} from "./support/extensionUnderTest";
import {newTestEngine, testRuntime, TEST_LOAD_OPTIONS} from "../helpers/engine";
import {testModel} from "../helpers/testModels";

const execFileP = promisify(execFile);
const CONSUMER_COMMAND = "LM Consumer: Ask QuantPilot's Model";
/** Request 2 (with the tool) calls it; the others (plain, cancelled, after the cancel) are the model's own. */
const SCRIPT = {turns: [[], [qwenToolCallScript("get_weather", {city: "Oslo", unit: null})], [], []]};

interface ConsumerResult {
    editorVersion: string;
    providerApi: boolean;
    tools: string[];
    models: Array<{id: string; vendor: string; name: string; family: string; version: string; maxInputTokens: number}>;
    plain?: {text?: string; calls?: unknown[]; error?: string};
    withTool?: {text?: string; calls?: Array<{name: string; input: unknown}>; error?: string};
    tokenCountText?: string;
    tokenCount?: number;
    readFileTool?: {text?: string; error?: string};
    cancelled?: {textParts: number; ended: boolean; error?: string};
    afterCancel?: {text?: string; error?: string};
    error?: string;
}

const editor = selectedEditorId();
let session: VsCodeSession;
let workspace: string;
let temp: string;

before(async () => {
    temp = await mkdtemp(join(tmpdir(), "qp-e2e-lm-"));
    workspace = join(temp, "workspace");
    await cp(join(__dirname, "consumer"), join(temp, "consumer"), {recursive: true});
    const consumerVsix = await packageVsix(join(temp, "consumer"), join(temp, "lm-consumer.vsix"));
    await writeFile(join(temp, "script.json"), JSON.stringify(SCRIPT));
    await mkdir(workspace);
    await writeFile(join(workspace, "notes.txt"), "zebra-417\n");
    session = await startVsCode({
        name: "lmapi", vsixPath: vsixUnderTest(), workspaceDir: workspace,
        env: {QUANTPILOT_TEST_LM_SCRIPT: join(temp, "script.json")},
        settings: quantPilotSettings(await testModel("tiny"), {"quantpilot.contextSize": 4096})
    });
    await installBeside(session, consumerVsix);
});

after(async () => {
    const log = await session?.readOutputChannel("QuantPilot").catch(() => null);
    if (log != null)
        await writeFile(join(session.artifactsDir, "quantpilot.log"), log);
    await session?.close();
    await rm(temp, {recursive: true, force: true});
    await testRuntime().dispose();
});

/**
 * The harness installs one VSIX; the consumer goes into the same profile with code-server's own
 * CLI (with the session's config file, so nothing is written to the user's), then the window
 * reloads so the extension host picks it up.
 */
async function installBeside(vs: VsCodeSession, vsix: string): Promise<void> {
    const command = codeServerCommand(vs.editor);
    await execFileP(command.file, [...command.args, "--config", join(dirname(vs.userDataDir), "config.yaml"),
        "--user-data-dir", vs.userDataDir, "--extensions-dir", vs.extensionsDir, "--install-extension", vsix, "--force"],
    {env: vs.editor.env(process.env), timeout: 120_000});
    await vs.runCommand("Developer: Reload Window");
    await vs.waitForActivation(EXTENSION_ID, 120_000);
    await waitFor(async () => (await vs.statusBarText(STATUS_ITEM_ID))?.includes("F16"), "the model in the status bar", 120_000);
}

/** Runs the consumer's command and reads what it wrote, allowing the editor's consent prompt if one is shown. */
async function askThroughConsumer(): Promise<ConsumerResult> {
    const file = join(workspace, "lm-result.json");
    await rm(file, {force: true});
    await session.runCommand(CONSUMER_COMMAND);
    await waitFor(async () => {
        const allow = session.page.locator(".monaco-dialog-box .monaco-button", {hasText: /^Allow/});
        if (await allow.count() > 0)
            await allow.first().click();
        return existsSync(file);
    }, "lm-result.json from the consumer extension", 240_000);
    return JSON.parse(await readFile(file, "utf8")) as ConsumerResult;
}

/** What the generated test model is, read by the engine in this process: the facts the editor's answer must match. */
async function testModelFacts(text: string) {
    const engine = newTestEngine();
    await engine.load(await testModel("tiny"), TEST_LOAD_OPTIONS);
    const facts = {fileName: engine.model!.fileName, architecture: engine.model!.architecture, fileType: engine.model!.fileType, tokens: engine.loaded!.tokenize(text).length};
    await engine.dispose();
    return facts;
}

test(`language model API on editor ${editor}`, {timeout: 900_000}, async () => {
    const result = await askThroughConsumer();
    await writeFile(join(session.artifactsDir, "lm-result.json"), JSON.stringify(result, null, 2));
    assert.equal(result.error, undefined);
    assert.deepEqual(result.tools, lmToolContributions().map((t) => t.name), "QuantPilot's language model tools are registered");
    assert.deepEqual(result.readFileTool, {text: "notes.txt (lines 1-1 of 1):\nzebra-417"}, "a read-only tool runs for another extension without asking");
    const log = await session.readOutputChannel("QuantPilot") ?? "";
    assert.doesNotMatch(log, /\[error\].*Language model API/);
    if (editor === "1.100") {
        assert.deepEqual([result.providerApi, result.models], [false, []]);
        assert.match(log, /Language model API: this editor \(1\.100\.\d+\) cannot take chat model providers \(VS Code 1\.104\+\)/);
        return;
    }
    assert.equal(result.providerApi, true);
    const facts = await testModelFacts(result.tokenCountText ?? "");
    assert.deepEqual(result.models.map((m) => [m.id, m.vendor, m.family, m.version]), [[facts.fileName, "quantpilot", facts.architecture, facts.fileType]]);
    assert.equal(result.plain?.error, undefined);
    assert.ok((result.plain?.text ?? "").length > 0, "the plain request streamed text");
    assert.equal(result.withTool?.error, undefined);
    assert.deepEqual(result.withTool?.calls?.map((c) => ({name: c.name, input: c.input})), [{name: "get_weather", input: {city: "Oslo"}}]);
    assert.equal(result.tokenCount, facts.tokens, "the count is the loaded model's own tokenizer's");
    // A cancel stops the generation (the engine ends the turn as stopped) and the model serves the next request.
    assert.ok(result.cancelled?.ended === true && (result.cancelled.textParts ?? 0) >= 1, JSON.stringify(result.cancelled));
    const ends = [...log.matchAll(/Language model API: request ended \((\w+)\)/g)].map((m) => m[1]);
    assert.equal(ends.length, 4, log);
    assert.deepEqual([ends[1], ends[2]], ["toolCalls", "stopped"], "the tool request returned its call; the cancelled one stopped");
    assert.equal(result.afterCancel?.error, undefined);
    assert.ok((result.afterCancel?.text ?? "").length > 0);
});
