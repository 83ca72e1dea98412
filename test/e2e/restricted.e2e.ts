/**
 * Restricted Mode (an untrusted workspace): QuantPilot still completes code with the model the
 * user chose in their own settings, the assistant says tools are off and why, and a model path
 * set by the workspace itself is ignored.
 */
import assert from "node:assert/strict";
import {mkdir, mkdtemp, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {after, before, test} from "node:test";
import {startVsCode, waitFor, type VsCodeSession} from "./harness/codeServer";
import {EXTENSION_ID, STATUS_ITEM_ID, quantPilotSettings, vsixUnderTest} from "./support/extensionUnderTest";
import {RESULTS_DIR} from "../helpers/paths";
import {testModel} from "../helpers/testModels";

let session: VsCodeSession;
let workspace: string;

before(async () => {
    workspace = await mkdtemp(join(tmpdir(), "qp-e2e-restricted-"));
    await mkdir(join(workspace, ".vscode"));
    // A workspace must not pick the model file: in Restricted Mode this value is ignored.
    await writeFile(join(workspace, ".vscode", "settings.json"), JSON.stringify({"quantpilot.modelPath": "/tmp/evil-model.gguf"}));
    await writeFile(join(workspace, "main.py"), "def add(a, b):\n    return a + b\n");
    session = await startVsCode({
        name: "restricted",
        vsixPath: vsixUnderTest(),
        workspaceDir: workspace,
        workspaceTrust: true,
        settings: quantPilotSettings(await testModel("tiny"), {"quantpilot.contextSize": 4096})
    });
    await session.waitForActivation(EXTENSION_ID);
});

after(async () => {
    await session?.close();
    await rm(workspace, {recursive: true, force: true});
});

test("the window is in Restricted Mode and QuantPilot loads the user's model, not the workspace's", async () => {
    // The indicator is drawn when the workbench gets to it, not necessarily before the extension activates.
    assert.match(await waitFor(() => session.statusBarText("status.workspaceTrust"), "the Restricted Mode indicator"), /Restricted Mode/);
    const status = await waitFor(async () => {
        const text = await session.statusBarText(STATUS_ITEM_ID);
        return text?.includes("F16") === true ? text : null;
    }, "the user's model in the status bar", 90_000);
    assert.match(status, /tiny-s1-f16/);
});

test("the assistant chats but says tools are off because the workspace is not trusted", async () => {
    await session.runCommand("QuantPilot: Open Assistant");
    const frame = await session.webviewFrame("iframe.webview.ready");
    const banner = frame.locator(".banner");
    await banner.waitFor({state: "visible", timeout: 30_000});
    assert.match(await banner.textContent() ?? "", /Tools are unavailable: the workspace is in Restricted Mode/);
    await session.screenshot(join(RESULTS_DIR, "e2e", "restricted-assistant.png"));
});
