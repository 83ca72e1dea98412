/**
 * LoRA adapters in a real VS Code (code-server in Chromium) with the packaged VSIX: the model
 * starts with the adapter the settings name, the panel's "LoRA adapters" card lists it and the
 * adapters found beside the model, a click switches to another one (status bar and card follow,
 * the weights are not reloaded), one made for another architecture is refused with its reason
 * while the model keeps serving, and "Unload all" leaves the base model. Generated models and
 * random-weight adapters.
 */
import assert from "node:assert/strict";
import {copyFile, mkdir, mkdtemp, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {after, before, test} from "node:test";
import type {Frame} from "playwright-core";
import {startVsCode, waitFor, type VsCodeSession} from "./harness/codeServer";
import {EXTENSION_ID, STATUS_ITEM_ID, quantPilotSettings, vsixUnderTest} from "./support/extensionUnderTest";
import {makeRandomAdapter} from "../../src/gguf/generatedAdapter";
import {RESULTS_DIR} from "../helpers/paths";
import {testModel} from "../helpers/testModels";

let session: VsCodeSession;
let workspace: string;

before(async () => {
    workspace = await mkdtemp(join(tmpdir(), "qp-e2e-lora-"));
    const models = join(workspace, "models");
    await mkdir(models);
    const model = join(models, "tiny-F16.gguf");
    await copyFile(await testModel("tiny", 1, "f16"), model);
    await makeRandomAdapter({basePath: model, outPath: join(models, "lora-a.gguf"), seed: 1});
    await makeRandomAdapter({basePath: model, outPath: join(models, "lora-b.gguf"), seed: 2});
    await makeRandomAdapter({basePath: await testModel("llama-spm"), outPath: join(models, "lora-llama.gguf"), seed: 1});
    await writeFile(join(workspace, "main.py"), "def add(a, b):\n    return a + b\n");
    session = await startVsCode({
        name: "lora",
        vsixPath: vsixUnderTest(),
        workspaceDir: workspace,
        viewport: {width: 1280, height: 900},
        settings: quantPilotSettings(model, {"quantpilot.lora.adapters": [{path: join(models, "lora-a.gguf"), scale: 1}]})
    });
    await session.waitForActivation(EXTENSION_ID);
});

after(async () => {
    await session?.close();
    await rm(workspace, {recursive: true, force: true});
});

async function statusBar(): Promise<string> {
    return (await session.statusBarText(STATUS_ITEM_ID)) ?? "";
}

async function loraCard(): Promise<Frame> {
    await session.runCommand("QuantPilot: Open Panel");
    const frame = await session.webviewFrame("QuantPilot");
    await frame.locator("[data-testid=tab-model]").click();
    await frame.locator("[data-testid=card-lora]").waitFor({timeout: 30_000});
    return frame;
}

/** The card takes one change at a time: its buttons are disabled until the last one has settled. */
async function settled(frame: Frame): Promise<void> {
    await waitFor(async () => await frame.locator("[data-testid=lora-busy]").count() === 0, "the adapter change to settle");
}

async function activeText(frame: Frame): Promise<string> {
    return (await frame.locator("[data-testid=lora-active]").textContent()) ?? "";
}

test("an adapter is switched from the panel: the card and the status bar say so; a wrong one is refused; unload all", async () => {
    await waitFor(async () => (await statusBar()).includes("tiny-F16 · F16 + lora-a ×1"), "the adapter from the settings in the status bar", 90_000);
    const frame = await loraCard();
    await waitFor(async () => (await activeText(frame)).includes("lora-a.gguf ×1"), "lora-a listed as applied");
    await frame.locator("[data-testid='lora-use-lora-b.gguf']").waitFor({timeout: 20_000});

    await frame.locator("[data-testid='lora-use-lora-b.gguf']").click();
    await waitFor(async () => (await activeText(frame)).includes("lora-b.gguf ×1") && !(await activeText(frame)).includes("lora-a"), "lora-b applied in the card");
    await waitFor(async () => (await statusBar()).includes("+ lora-b ×1"), "lora-b in the status bar");
    await settled(frame);
    await session.screenshot(join(RESULTS_DIR, "e2e", "lora-switched.png"));

    await frame.locator("[data-testid='lora-use-lora-llama.gguf']").click();
    await waitFor(async () => /adapter made for llama, loaded model is qwen2/.test((await frame.locator("[data-testid=lora-failure]").textContent().catch(() => "")) ?? ""),
        "the refusal's reason in the card");
    assert.match(await activeText(frame), /lora-b\.gguf ×1/, "the model keeps serving with the adapter it had");
    assert.match(await statusBar(), /\+ lora-b ×1/);
    await settled(frame);

    await frame.locator("[data-testid=lora-unload-all]").click();
    await waitFor(async () => (await activeText(frame)).includes("None"), "no adapter in the card");
    await waitFor(async () => !(await statusBar()).includes("lora"), "no adapter in the status bar");
});
