/**
 * The offline assistant in a real VS Code (code-server in Chromium) with the packaged VSIX and a
 * generated tiny model: ask in the Assistant view, see the tool call rendered with its diff,
 * accept it and find the file changed on disk; reject another and find nothing written; approve
 * a command and see its output come back. The random-weight model is made to produce exact
 * tool calls by the test-only scripted token bias (QUANTPILOT_TEST_CHAT_SCRIPT, see
 * src/assistant/assistantTestHooks.ts); everything after the tokens is the product's own path.
 * Screenshots go to test-results/e2e/.
 */
import assert from "node:assert/strict";
import {existsSync} from "node:fs";
import {mkdtemp, readFile, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {after, before, test} from "node:test";
import type {Frame} from "playwright-core";
import {qwenToolCallScript} from "../../src/engine/chat/scriptedTokenBias";
import {startVsCode, waitFor, type VsCodeSession} from "./harness/codeServer";
import {EXTENSION_ID, STATUS_ITEM_ID, quantPilotSettings, vsixUnderTest} from "./support/extensionUnderTest";
import {RESULTS_DIR} from "../helpers/paths";
import {testModel} from "../helpers/testModels";
import {tempDir} from "../helpers/tempDir";

const SCRIPT = {
    turns: [
        [qwenToolCallScript("editFile", {path: "greeting.txt", find: "hello world", replace: "hello there, world"}),
            "Done: `greeting.txt` now says **hello there, world**.<|im_end|>"],
        [qwenToolCallScript("createFile", {path: "unwanted.txt", content: "spam\n"}), "Understood, I left it out.<|im_end|>"],
        [qwenToolCallScript("runCommand", {command: "echo from-the-terminal"}), "The command printed its text.<|im_end|>"]
    ]
};

let session: VsCodeSession;
let workspace: string;

before(async () => {
    workspace = await mkdtemp(join(tmpdir(), "qp-e2e-assistant-"));
    await writeFile(join(workspace, "greeting.txt"), "hello world\n");
    const scriptFile = join(tempDir("e2e-script"), "script.json");
    await writeFile(scriptFile, JSON.stringify(SCRIPT));
    session = await startVsCode({
        name: "assistant",
        vsixPath: vsixUnderTest(),
        workspaceDir: workspace,
        viewport: {width: 1400, height: 900},
        env: {QUANTPILOT_TEST_CHAT_SCRIPT: scriptFile},
        // The tool descriptions need room: 4096 tokens, as the extension's default.
        // The tiny vocabulary spells the tool descriptions out in ~1,500 tokens and each diff result in hundreds:
        // short replies leave the three scripted turns within the prompt budget (4,096 minus the reply), so none is trimmed.
        settings: quantPilotSettings(await testModel("tiny"), {"quantpilot.contextSize": 4096, "quantpilot.assistant.maxReplyTokens": 256,
            "workbench.colorTheme": "Default Dark Modern"})
    });
    await session.waitForActivation(EXTENSION_ID);
    await waitFor(async () => (await session.statusBarText(STATUS_ITEM_ID))?.includes("F16"), "the model in the status bar", 90_000);
});

after(async () => {
    // The extension's log, kept next to the screenshots for diagnosing a failure.
    const log = await session?.readOutputChannel("QuantPilot").catch(() => null);
    if (log != null)
        await writeFile(join(session.artifactsDir, "quantpilot.log"), log);
    await session?.close();
    await rm(workspace, {recursive: true, force: true});
});

async function assistant(): Promise<Frame> {
    return await session.webviewFrame("iframe.webview.ready");
}

async function ask(frame: Frame, question: string): Promise<void> {
    const input = frame.locator("textarea.input");
    await input.fill(question);
    await input.press("Enter");
}

/** The newest tool call card, once it has the given status class. */
async function lastCall(frame: Frame, status: string) {
    const card = frame.locator(".tool-call").last();
    await waitFor(async () => (await card.getAttribute("class", {timeout: 1000}))?.includes(`status-${status}`), `a tool call with status ${status}`, 90_000);
    return card;
}

test("the Assistant view opens from the command palette and shows the loaded model", async () => {
    await session.runCommand("QuantPilot: Open Assistant");
    const frame = await assistant();
    await frame.locator(".model-label", {hasText: "tiny-s1-f16.gguf"}).waitFor({timeout: 30_000});
    assert.match(await frame.locator(".model-label").textContent() ?? "", /tools on/);
    await frame.locator(".empty h2", {hasText: "Ask QuantPilot"}).waitFor();
});

test("a proposed edit is rendered with its diff, and accepting it changes the file on disk", async () => {
    const frame = await assistant();
    await ask(frame, "Change hello world to hello there, world in greeting.txt");
    const card = await lastCall(frame, "awaiting");
    assert.equal(await card.locator(".tool-name").textContent(), "editFile");
    assert.match(await card.locator(".approval-text").textContent() ?? "", /greeting\.txt\s*edit\s*\+1\s*−1/);
    // VS Code's diff editor shows the proposal next to the chat.
    await session.page.locator(".tabs-container .tab", {hasText: "greeting.txt (proposed change)"}).waitFor({timeout: 20_000});
    await session.page.locator(".editor-group-container.active .monaco-diff-editor").waitFor();
    assert.equal(await readFile(join(workspace, "greeting.txt"), "utf8"), "hello world\n", "nothing written before the user decides");
    await session.screenshot(join(RESULTS_DIR, "e2e", "assistant-review.png"));

    await card.locator("[data-action=accept]").click();
    await waitFor(async () => (await readFile(join(workspace, "greeting.txt"), "utf8")) === "hello there, world\n", "the edit on disk", 20_000);
    const done = await lastCall(frame, "done");
    assert.match(await done.locator(".tool-summary").textContent() ?? "", /Edited greeting\.txt/);
    const answer = frame.locator(".turn.assistant .markdown").last();
    await answer.locator("strong", {hasText: "hello there, world"}).waitFor({timeout: 60_000});
    assert.equal(await answer.locator("code").textContent(), "greeting.txt");
    await waitFor(async () => (await session.page.locator(".tabs-container .tab", {hasText: "(proposed change)"}).count()) === 0, "the diff closed after the decision");
    await session.screenshot(join(RESULTS_DIR, "e2e", "assistant-accepted.png"));
});

test("rejecting a proposed file writes nothing, and the card says so", async () => {
    const frame = await assistant();
    await ask(frame, "Create unwanted.txt");
    const card = await lastCall(frame, "awaiting");
    assert.match(await card.locator(".approval-text").textContent() ?? "", /unwanted\.txt\s*new file/);
    await card.locator("[data-action=reject]").click();
    const declined = await lastCall(frame, "rejected");
    assert.match(await declined.locator(".tool-summary").textContent() ?? "", /Not created: unwanted\.txt \(rejected\)/);
    await frame.locator(".markdown", {hasText: "Understood, I left it out."}).waitFor({timeout: 60_000});
    assert.equal(existsSync(join(workspace, "unwanted.txt")), false);
});

test("a command shows exactly what will run, runs in a terminal only when approved, and its output comes back", async () => {
    const frame = await assistant();
    await ask(frame, "Run the echo command");
    const card = await lastCall(frame, "awaiting");
    assert.equal(await card.locator("pre.command").textContent(), "echo from-the-terminal");
    await session.screenshot(join(RESULTS_DIR, "e2e", "assistant-command.png"));
    await card.locator("[data-action=run]").click();
    const done = await lastCall(frame, "done");
    await done.locator("details summary").click();
    assert.match(await done.locator("pre").last().textContent() ?? "", /exited with code 0\.\nOutput:\nfrom-the-terminal/);
    await frame.locator(".markdown", {hasText: "The command printed its text."}).waitFor({timeout: 60_000});
    // The command ran in a terminal of its own, named after it.
    await session.page.locator(".part.panel").getByText("QuantPilot: echo from-the-terminal").first().waitFor({timeout: 10_000});
    await session.screenshot(join(RESULTS_DIR, "e2e", "assistant-command-done.png"));
});
