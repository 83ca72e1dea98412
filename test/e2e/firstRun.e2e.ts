/**
 * A first start with no model: QuantPilot offers a real model (size, licence, checksum and fit
 * shown before the download), a file, or the demo model; the
 * demo model is written from the llama.cpp source inside the installed VSIX, loaded, and labelled
 * as random weights; an invalid setting gets one clear warning and the extension keeps working.
 */
import assert from "node:assert/strict";
import {mkdtemp, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {after, before, test} from "node:test";
import {startVsCode, waitFor, type VsCodeSession} from "./harness/codeServer";
import {EXTENSION_ID, STATUS_ITEM_ID, vsixUnderTest} from "./support/extensionUnderTest";
import {RESULTS_DIR} from "../helpers/paths";

let session: VsCodeSession;
let workspace: string;

before(async () => {
    workspace = await mkdtemp(join(tmpdir(), "qp-e2e-first-"));
    await writeFile(join(workspace, "notes.py"), "x = 1\n");
    session = await startVsCode({
        name: "first-run",
        vsixPath: vsixUnderTest(),
        workspaceDir: workspace,
        settings: {"quantpilot.threads": -4, "quantpilot.completions.debounceMs": 0}
    });
    await session.waitForActivation(EXTENSION_ID);
});

after(async () => {
    await session?.close();
    await rm(workspace, {recursive: true, force: true});
});

test("with no model, the status bar says so and a notification offers a file or the demo model", async () => {
    const status = await waitFor(() => session.statusBarText(STATUS_ITEM_ID), "QuantPilot status bar item");
    assert.match(status, /no model/);
    const offer = await waitFor(async () => (await session.notifications()).find((n) => n.includes("has no model yet")), "first-run offer");
    assert.match(offer, /download Qwen2\.5-Coder 0\.5B Instruct Q4_K_M: .*Apache-2\.0, SHA-256 1d961463…c4ff32; needs about .* free: /);
    assert.match(offer, /create a demo model \(random weights, for trying the plumbing offline\)/);
});

// What a person must read in it: which setting, the value they gave, why it is not used, and what is.
const THREADS_WARNING = /quantpilot\.threads: -4 is below the minimum of 0; using 0/;

test("a negative thread count gets one clear warning", async () => {
    const warning = await waitFor(async () => (await session.notifications()).find((n) => n.includes("quantpilot.threads")), "threads warning");
    assert.match(warning, THREADS_WARNING);
});

test("Create Demo Model writes and loads a random-weights model labelled as such", async () => {
    await session.runCommand("QuantPilot: Create Demo Model (random weights, for trying the plumbing)");
    await waitFor(async () => {
        const text = await session.statusBarText(STATUS_ITEM_ID);
        return text?.includes("quantpilot-demo-random-weights · F16") === true ? text : null;
    }, "demo model in the status bar", 90_000);
    const note = await waitFor(async () => (await session.allNotifications()).find((n) => n.includes("loaded the demo model")), "demo model note");
    assert.match(note, /weights are random/);
    await session.screenshot(join(RESULTS_DIR, "e2e", "first-run-demo-model.png"));
    const log = await session.readOutputChannel("QuantPilot");
    assert.match(log ?? "", /Loaded quantpilot-demo-random-weights\.gguf: qwen2, F16/);
});

test("the bad thread count is reported once, though loading the model read the setting again", async () => {
    // Runs after the demo model loaded. The notification center merges identical toasts, so the
    // count comes from the log, which gets a line per report.
    const log = (await session.readOutputChannel("QuantPilot")) ?? "";
    const reports = log.split("\n").filter((line) => line.includes("Setting quantpilot.threads:"));
    assert.equal(reports.length, 1, `threads reports in the log:\n${reports.join("\n")}`);
    assert.match(reports[0]!, THREADS_WARNING);
});
