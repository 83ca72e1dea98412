/**
 * Compare Quantizations in a real VS Code (code-server in Chromium) with the packaged VSIX: from
 * the panel's A/B tab, through the three quick picks (the F16 file suggested as the reference,
 * the Q8_0 and Q2_K files as candidates, the built-in texts), to a saved report that the Markdown
 * preview, the notification and the panel all show; then a second run cancelled from the panel
 * saves nothing. Small generated models and a short time budget keep a run under a minute.
 */
import assert from "node:assert/strict";
import {copyFile, mkdir, mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {after, before, test} from "node:test";
import type {Frame} from "playwright-core";
import {startVsCode, waitFor, type VsCodeSession} from "./harness/codeServer";
import {EXTENSION_ID, STATUS_ITEM_ID, quantPilotSettings, vsixUnderTest} from "./support/extensionUnderTest";
import {runCli} from "../helpers/cli";
import {testModel} from "../helpers/testModels";

const PANEL_TITLE = "QuantPilot";

let session: VsCodeSession;
let workspace: string;

before(async () => {
    workspace = await mkdtemp(join(tmpdir(), "qp-e2e-ab-"));
    const models = join(workspace, "models");
    await mkdir(models);
    const f16Path = join(models, "small-F16.gguf");
    await copyFile(await testModel("small", 1, "f16"), f16Path);
    for (const type of ["Q8_0", "Q2_K"]) {
        const quantized = await runCli(["quantize", f16Path, "--type", type, "--out", join(models, `small-${type}.gguf`), "--threads", "1", "--json"]);
        assert.equal(quantized.code, 0, `quantize ${type} failed: ${quantized.stderr}`);
    }
    session = await startVsCode({
        name: "ab",
        vsixPath: vsixUnderTest(),
        workspaceDir: workspace,
        viewport: {width: 1280, height: 860},
        settings: quantPilotSettings(join(models, "small-Q8_0.gguf"), {
            "quantpilot.modelsDir": models,
            "quantpilot.ab.budgetSeconds": 8
        })
    });
    await session.waitForActivation(EXTENSION_ID);
    await waitFor(async () => (await session.statusBarText(STATUS_ITEM_ID))?.includes("Q8_0"), "the Q8_0 model in the status bar", 90_000);
});

after(async () => {
    await session?.close();
    await rm(workspace, {recursive: true, force: true});
});

test("a comparison started from the panel goes through the three picks and its report is saved and shown", async () => {
    const frame = await abTab();
    await frame.locator("[data-testid=ab-compare]").click();

    // The unquantized file is offered first, as the suggested reference, though Q8_0 is loaded.
    await answerPick("(1/3)", (rows) => /F16.*Suggested reference/.test(rows[0]?.text ?? ""), "first row");
    // A click in the panel takes the keyboard focus from the open step; the step stays open with
    // its answers so far (a pick that closed on focus loss ended the flow without a word).
    await waitFor(async () => (await session.page.locator(".quick-input-widget .quick-input-title").textContent())?.includes("(2/3)"), "the (2/3) pick");
    await frame.locator("[data-testid=ab-history] h3").click();
    await waitFor(() => session.page.evaluate(() => document.activeElement?.tagName === "IFRAME"), "the keyboard focus in the panel's webview");
    // Both candidates are checked already.
    const candidates = await answerPick("(2/3)", (rows) => rows.filter((r) => r.checked).length === 2, "ok");
    const checked = candidates.filter((c) => c.checked).map((c) => c.text);
    assert.ok(checked.some((c) => c.includes("Q8_0")) && checked.some((c) => c.includes("Q2_K")), `checked candidates: ${checked.join(" | ")}`);
    await answerPick("(3/3)", (rows) => /Built-in code and prose/.test(rows[0]?.text ?? ""), "first row");

    // The verdicts come as a notification and the report opens as a Markdown preview.
    const verdicts = await waitFor(async () => (await session.allNotifications()).find((n) => /Q2_K/.test(n) && /Q8_0/.test(n)), "the verdicts notification", 240_000);
    assert.match(verdicts, /KLD|kld|divergence/i);
    await session.page.locator(".tabs-container .tab", {hasText: /^Preview .*\.md/}).first().waitFor({timeout: 30_000});

    const panel = await abTab();
    await waitFor(async () => (await panel.locator("[data-testid=ab-verdict]").count()) === 2, "two verdicts in the panel", 30_000);
    const table = await panel.locator("[data-testid=ab-table]").textContent() ?? "";
    for (const expected of ["F16", "Q8_0", "Q2_K"])
        assert.ok(table.includes(expected), `the side-by-side table names ${expected}: ${table.slice(0, 300)}`);
    assert.equal(await panel.locator("[data-testid=ab-history-row]").count(), 1);
    assert.ok(await panel.locator("[data-testid=ab-chart-kld]").count() > 0, "the KLD chart is drawn");
    // Fewer bits, further from the reference: Q2_K's mean KLD must exceed Q8_0's.
    const kld = await panel.locator("[data-testid=ab-table]").evaluate((tableEl) => {
        const names = [...tableEl.querySelectorAll("thead th")].map((th) => th.textContent ?? "");
        const row = [...tableEl.querySelectorAll("tbody tr")].find((tr) => tr.querySelector("th")?.textContent?.startsWith("Mean KLD"));
        const cells = [...(row?.querySelectorAll("td") ?? [])].map((td) => Number.parseFloat(td.textContent ?? ""));
        return Object.fromEntries(names.slice(1).map((name, i) => [name, cells[i]]));
    });
    const of = (type: string) => Object.entries(kld).find(([name]) => name.includes(type))?.[1] ?? Number.NaN;
    assert.ok(of("Q8_0") > 0 && of("Q2_K") > of("Q8_0"), `mean KLD by column: ${JSON.stringify(kld)}`);
});

test("a comparison cancelled from the panel saves nothing and says so", async () => {
    const frame = await abTab();
    await frame.locator("[data-testid=ab-compare]").click();
    await answerPick("(1/3)", (rows) => /Suggested reference/.test(rows[0]?.text ?? ""), "first row");
    await answerPick("(2/3)", (rows) => rows.filter((r) => r.checked).length === 2, "ok");
    await answerPick("(3/3)", (rows) => /Built-in code and prose/.test(rows[0]?.text ?? ""), "first row");
    const panel = await abTab();
    // Progress moves the bar in place: the Cancel button stays the element the pointer is on.
    const cancel = panel.locator("[data-testid=ab-cancel]");
    const button = await cancel.elementHandle({timeout: 60_000}).catch(async (err: Error) => {
        throw new Error(`${err.message}\nNotifications: ${(await session.allNotifications()).join(" | ") || "none"}`);
    });
    const line = panel.locator("[data-testid=ab-running] [role=status]");
    const first = await line.textContent();
    await waitFor(async () => (await line.textContent()) !== first, "the progress line to move", 120_000);
    assert.ok(await button.evaluate((el) => el.isConnected), "the Cancel button was replaced while the comparison ran");
    await cancel.click({timeout: 60_000});
    await waitFor(async () => (await session.allNotifications()).some((n) => n.includes("Comparison cancelled; nothing was saved.")), "the cancel note", 60_000);
    await waitFor(async () => (await panel.locator("[data-testid=ab-compare]").count()) === 1, "the start button back", 30_000);
    assert.equal(await panel.locator("[data-testid=ab-history-row]").count(), 1, "the cancelled run is not in the history");
});

/** One row of the quick pick on screen: its text and, in a multi-select step, whether it is checked. */
type PickRow = {text: string; checked: boolean};

/**
 * Accepts the default answer of one step of the quick-pick flow, once that step is on screen with
 * its list filled and `ready` says the rows are the expected ones. The extension host sends a quick
 * pick's title, its items and their checked state in separate messages, so the title can show over
 * an empty or unchecked list. The answer is a click on the step's own first row (one choice) or
 * its OK button (several): a key press would go wherever the keyboard focus happens to be, and a
 * webview that was just clicked can still hold it. Returns the rows as they were accepted.
 */
async function answerPick(step: string, ready: (rows: PickRow[]) => boolean, accept: "first row" | "ok"): Promise<PickRow[]> {
    const widget = session.page.locator(".quick-input-widget");
    const title = widget.locator(".quick-input-title");
    const onStep = async () => await widget.isVisible() && ((await title.textContent()) ?? "").includes(step);
    const rows = await waitFor(async () => {
        if (!await onStep())
            return undefined;
        const shown = await visibleRows();
        return shown.length > 0 && ready(shown) ? shown : undefined;
    }, `the ${step} pick with its list filled`).catch(withQuickInputState);
    const target = accept === "ok"
        ? widget.locator(".quick-input-action .monaco-button", {hasText: /^OK$/})
        : widget.locator(".monaco-list-row[data-index='0']");
    await target.click();
    await waitFor(async () => !await onStep(), `the ${step} pick to take its answer`).catch(withQuickInputState);
    return rows;
}

/** The rows of the quick pick on screen, in list order (the DOM order of a virtual list may differ). */
async function visibleRows(): Promise<PickRow[]> {
    return session.page.locator(".quick-input-widget .monaco-list-row").evaluateAll((els) => els
        .map((el) => ({index: Number(el.getAttribute("data-index")), text: el.textContent ?? "", checked: el.getAttribute("aria-checked") === "true"}))
        .sort((a, b) => a.index - b.index)
        .map(({text, checked}) => ({text, checked})));
}

/** Rethrows a wait's failure with what the quick input and the notifications show. */
async function withQuickInputState(err: Error): Promise<never> {
    throw new Error(`${err.message}\n${await quickInputState()}`);
}

/** What the quick input and the notifications show, for a failure's message. */
async function quickInputState(): Promise<string> {
    const widget = session.page.locator(".quick-input-widget");
    const visible = await widget.isVisible();
    const title = visible ? await widget.locator(".quick-input-title").textContent() : null;
    const rows = visible ? (await visibleRows()).map((r) => `${r.checked ? "[x] " : ""}${r.text}`) : [];
    const notifications = await session.allNotifications();
    return `Quick input: ${visible ? `"${title}" with rows ${rows.join(" | ") || "none"}` : "hidden"}. Notifications: ${notifications.join(" | ") || "none"}`;
}

/** The panel, opened if needed, on its A/B tab. */
async function abTab(): Promise<Frame> {
    if (await session.page.locator(".tabs-container .tab", {hasText: PANEL_TITLE}).count() === 0) {
        await session.page.keyboard.press("Escape");
        await session.runCommand("QuantPilot: Open Panel");
    }
    const frame = await session.webviewFrame(PANEL_TITLE);
    await frame.locator("[data-testid=tab-ab]").click();
    return frame;
}
