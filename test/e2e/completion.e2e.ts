/**
 * The foundation's end-to-end promise: in a real VS Code (code-server in Chromium) with the
 * packaged VSIX installed, typing in a Python file shows ghost text, and that ghost text is
 * exactly what `quantpilot complete` returns for the same prefix, suffix and model.
 */
import assert from "node:assert/strict";
import {mkdtemp, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {basename, join} from "node:path";
import {after, before, test} from "node:test";
import {startVsCode, waitFor, type VsCodeSession} from "./harness/codeServer";
import {EXTENSION_ID, STATUS_ITEM_ID, quantPilotSettings, vsixUnderTest} from "./support/extensionUnderTest";
import {lastJsonLine, runCli} from "../helpers/cli";
import {testModel} from "../helpers/testModels";
import {RESULTS_DIR} from "../helpers/paths";

const MAX_TOKENS = 12;
const FILE_BEFORE = "def add(a, b):\n    return a + b\n\n\n";
const FILE_AFTER = "\n\nprint(add(1, 2))\n";
const TYPED = "def mul(a, b):";

let session: VsCodeSession;
let workspace: string;
let model: string;

before(async () => {
    model = await testModel("tiny");
    workspace = await mkdtemp(join(tmpdir(), "qp-e2e-ws-"));
    await writeFile(join(workspace, "main.py"), FILE_BEFORE + FILE_AFTER);
    session = await startVsCode({
        name: "completion",
        vsixPath: vsixUnderTest(),
        workspaceDir: workspace,
        logLevel: "debug",
        // No extra context chunks and no time budget: the text then depends only on prefix and
        // suffix, as for the CLI.
        settings: quantPilotSettings(model, {
            "quantpilot.completions.maxTokens": MAX_TOKENS,
            "quantpilot.completions.maxTimeMs": 600_000,
            "quantpilot.completions.contextChunks": 0
        })
    });
    await session.waitForActivation(EXTENSION_ID);
});

after(async () => {
    await session?.close();
    await rm(workspace, {recursive: true, force: true});
});

test("the status bar shows the loaded model and its quantization", async () => {
    const text = await waitFor(async () => {
        const item = await session.statusBarText(STATUS_ITEM_ID);
        return item != null && item.includes("F16") ? item : null;
    }, "QuantPilot status bar item showing the model", 60_000);
    assert.match(text, /tiny-s1-f16 · F16/);
});

test("typing shows ghost text equal to `quantpilot complete` for the same prefix and suffix", async () => {
    await session.openFile("main.py");
    // Line 5 (index 4) is the empty line between the two blocks: the cursor goes there.
    await session.page.keyboard.press("Control+Home");
    for (let i = 0; i < 4; i++)
        await session.page.keyboard.press("ArrowDown");
    await session.typeText(TYPED);
    const shown = await waitFor(() => session.ghostText(), "ghost text after typing", 60_000);
    await session.screenshot(join(RESULTS_DIR, "e2e", "completion-ghost-text.png"));

    const cliText = await cliCompletion(FILE_BEFORE + TYPED, FILE_AFTER);
    assert.ok(cliText.trim() !== "", "the CLI produced a completion");
    assert.equal(normalizeGhost(shown), normalizeGhost(cliText));
});

test("typing the start of the suggestion shows the rest at once, without asking the model", async () => {
    const before = normalizeGhost(await waitFor(() => session.ghostText(), "ghost text before typing on"));
    // Type the suggestion's first two characters (the DOM shows spaces as NBSP; the editor wants spaces).
    const typedAhead = before.slice(0, 2);
    await session.typeText(typedAhead);
    const after = await waitFor(async () => {
        const ghost = await session.ghostText();
        return ghost != null && normalizeGhost(ghost) === before.slice(2) ? ghost : null;
    }, "the rest of the same suggestion", 20_000);
    assert.equal(normalizeGhost(after), before.slice(2));
    const log = await waitFor(async () => {
        const text = await session.readOutputChannel("QuantPilot");
        return text != null && / typing \d+ ms/.test(text) ? text : null;
    }, "a suggestion served from typing in the log", 20_000);
    assert.match(log, /main\.py:5:\d+ typing \d+ ms/);
});

async function cliCompletion(prefix: string, suffix: string): Promise<string> {
    const run = await runCli([
        "complete", model, "--prefix", prefix, "--suffix", suffix,
        "--file-name", "main.py", "--repo-name", basename(workspace),
        "--max-tokens", String(MAX_TOKENS), "--threads", "1", "--context", "1024", "--json"
    ]);
    assert.equal(run.code, 0, run.stderr);
    return lastJsonLine<{text: string}>(run).text;
}

/** The DOM renders ghost text with non-breaking spaces and without trailing whitespace per line. */
function normalizeGhost(text: string): string {
    return text.replace(/\u00a0/g, " ").split("\n").map((line) => line.trimEnd()).join("\n").trimEnd();
}
