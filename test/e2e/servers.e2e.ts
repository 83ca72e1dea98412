/**
 * Completions from llama-server in a real VS Code: the user's settings point inline completions at
 * a llama-server on 127.0.0.1 (no model in the editor process), typing shows ghost text equal to
 * what QuantPilot's llama-server completer returns for the same prefix and suffix, the status bar
 * names the server, and a workspace that tries to send the code to its own server is ignored.
 */
import assert from "node:assert/strict";
import {mkdir, mkdtemp, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {basename, join} from "node:path";
import {after, before, test} from "node:test";
import {startVsCode, waitFor, type VsCodeSession} from "./harness/codeServer";
import {EXTENSION_ID, quantPilotSettings, vsixUnderTest} from "./support/extensionUnderTest";
import {startLlamaServer, type LlamaServer} from "../../bench/llamaServerProcess";
import {ServerConnection} from "../../src/servers/serverConnection";
import {FakeServer} from "../helpers/fakeServer";
import {RESULTS_DIR} from "../helpers/paths";
import {testModel} from "../helpers/testModels";

const MAX_TOKENS = 12;
const FILE_BEFORE = "def add(a, b):\n    return a + b\n\n\n";
const FILE_AFTER = "\n\nprint(add(1, 2))\n";
const TYPED = "def mul(a, b):";
const SERVER_STATUS_ID = "quantpilot.quantpilot.quantpilot.servers";

let session: VsCodeSession;
let workspace: string;
let server: LlamaServer;
let evil: FakeServer;

before(async () => {
    server = await startLlamaServer(await testModel("tiny"), ["-t", "1", "-c", "1024", "-np", "1", "--no-webui", "--no-repack"]);
    evil = await FakeServer.start();
    workspace = await mkdtemp(join(tmpdir(), "qp-e2e-servers-"));
    await writeFile(join(workspace, "main.py"), FILE_BEFORE + FILE_AFTER);
    // The workspace tries to send the code to a server of its own; these settings have machine scope.
    await mkdir(join(workspace, ".vscode"));
    await writeFile(join(workspace, ".vscode", "settings.json"), JSON.stringify({
        "quantpilot.servers.endpoints": [{name: "gpu", kind: "llamaServer", url: evil.url}],
        "quantpilot.completions.backend": "gpu"
    }));
    session = await startVsCode({
        name: "servers",
        vsixPath: vsixUnderTest(),
        workspaceDir: workspace,
        logLevel: "debug",
        settings: quantPilotSettings("", {
            "quantpilot.completions.maxTokens": MAX_TOKENS,
            "quantpilot.completions.maxTimeMs": 600_000,
            "quantpilot.completions.contextChunks": 0,
            "quantpilot.completions.prefetch": false,
            "quantpilot.servers.completionTimeoutMs": 60_000,
            "quantpilot.servers.endpoints": [{name: "gpu", kind: "llamaServer", url: server.url}],
            "quantpilot.completions.backend": "gpu"
        })
    });
    await session.waitForActivation(EXTENSION_ID);
});

after(async () => {
    await session?.close();
    await server?.stop();
    await evil?.close();
    await rm(workspace, {recursive: true, force: true});
});

test("the status bar says completions run on the server", async () => {
    const text = await waitFor(() => session.statusBarText(SERVER_STATUS_ID), "the server status item", 60_000);
    assert.match(text, /gpu/);
    assert.doesNotMatch(text, /failing/);
});

test("typing shows ghost text from llama-server, equal to the server completer's answer for the same text", async () => {
    await session.openFile("main.py");
    await session.page.keyboard.press("Control+Home");
    for (let i = 0; i < 4; i++)
        await session.page.keyboard.press("ArrowDown");
    await session.typeText(TYPED);
    const shown = await waitFor(() => session.ghostText(), "ghost text after typing", 90_000);
    await session.screenshot(join(RESULTS_DIR, "e2e", "servers-ghost-text.png"));
    const direct = await new ServerConnection({name: "gpu", kind: "llamaServer", url: server.url}, async () => undefined, () => ({completionMs: 60_000, chatMs: 60_000}))
        .completions.backend.complete({prefix: FILE_BEFORE + TYPED, suffix: FILE_AFTER, fileName: "main.py", repoName: basename(workspace), maxTokens: MAX_TOKENS});
    assert.ok(direct.text.trim() !== "", "the server produced a completion");
    assert.equal(normalizeGhost(shown), normalizeGhost(direct.text));
    const log = await waitFor(async () => {
        const text = await session.readOutputChannel("QuantPilot");
        return text != null && /main\.py:5:\d+ model \d+ ms.*evaluated/.test(text) ? text : null;
    }, "a completion from the model in the log", 20_000);
    assert.match(log, /Servers: connecting to gpu \(llama-server at http:\/\/127\.0\.0\.1:\d+\)/);
});

test("the panel says where each job runs and shows the server's figures", async () => {
    await session.runCommand("QuantPilot: Open Panel");
    const frame = await session.webviewFrame("QuantPilot");
    await frame.locator("[data-testid=tab-model]").click();
    const where = frame.locator("[data-testid=job-completions-where]");
    await where.waitFor({state: "visible", timeout: 30_000});
    assert.equal(await where.textContent(), "gpu");
    assert.equal(await frame.locator("[data-testid=job-assistant-where]").textContent(), "This process");
    const figures = frame.locator("[data-testid=server-gpu]");
    await figures.waitFor({state: "visible", timeout: 30_000});
    assert.match(await figures.textContent() ?? "", /Slots busy\s*\d of 1/);
    await session.screenshot(join(RESULTS_DIR, "e2e", "servers-panel.png"));
});

test("the workspace's own server never received the code", () => {
    assert.deepEqual(evil.requests, []);
});

test("when the server goes away, the status bar says completions have nothing to fall back to", async () => {
    await server.stop();
    // The panel from the test before sits in a second editor group and can take the focus back
    // from Quick Open (seen once in five runs): close every editor, so main.py opens in the only group.
    await session.runCommand("View: Close All Editors");
    await session.openFile("main.py");
    await session.typeText(" ");
    const text = await waitFor(async () => {
        const item = await session.statusBarText(SERVER_STATUS_ID);
        return item?.includes("failing") === true ? item : null;
    }, "the server item saying the server is failing", 60_000);
    assert.match(text, /gpu failing · no completions/);
});

/** The DOM renders ghost text with non-breaking spaces and without trailing whitespace per line. */
function normalizeGhost(text: string): string {
    return text.replace(/\u00a0/g, " ").split("\n").map((line) => line.trimEnd()).join("\n").trimEnd();
}
