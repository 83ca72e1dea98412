/**
 * Proves the e2e harness against a real VS Code with a throwaway extension
 * built here: command palette, notifications, status bar, inline ghost text,
 * webview frames and output-channel logs.
 * Needs scripts/setup-e2e.sh. Run: node --import tsx --test test/e2e/smoke.e2e.ts
 */
import assert from "node:assert/strict";
import {mkdir, mkdtemp, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {test} from "node:test";
import {packageVsix, startVsCode, waitFor} from "./harness/codeServer";

const EXTENSION_JS = `
const vscode = require("vscode");
exports.activate = (ctx) => {
    const log = vscode.window.createOutputChannel("E2E Smoke", {log: true});
    log.info("smoke extension activated");
    const status = vscode.window.createStatusBarItem("e2eSmoke.status", vscode.StatusBarAlignment.Right, 100);
    status.text = "Smoke: ready";
    status.show();
    ctx.subscriptions.push(
        log,
        status,
        vscode.commands.registerCommand("e2eSmoke.hello", () => {
            log.info("hello command ran");
            vscode.window.showInformationMessage("Hello from the e2e smoke extension");
        }),
        vscode.commands.registerCommand("e2eSmoke.panel", () => {
            const panel = vscode.window.createWebviewPanel("e2eSmoke", "Smoke Panel", vscode.ViewColumn.Beside, {enableScripts: true});
            panel.webview.html = '<!DOCTYPE html><html><body><h1 id="msg">Smoke webview</h1></body></html>';
        }),
        // A two-line suggestion, to see how ghost text spanning lines is rendered.
        vscode.languages.registerInlineCompletionItemProvider({pattern: "**/*.txt"}, {
            provideInlineCompletionItems(doc, pos, context) {
                const before = doc.lineAt(pos.line).text.slice(0, pos.character);
                log.info("inline request, trigger kind " + context.triggerKind + ": " + before);
                if (!before.endsWith("greet")) return [];
                return [new vscode.InlineCompletionItem("ing(world)\\nsecond line", new vscode.Range(pos, pos))];
            }
        })
    );
};
`;

const PACKAGE_JSON = {
    name: "e2e-smoke",
    displayName: "E2E Smoke",
    publisher: "qpe2e",
    version: "0.0.1",
    engines: {vscode: "^1.100.0"},
    main: "./extension.js",
    activationEvents: ["onStartupFinished"],
    contributes: {
        commands: [
            {command: "e2eSmoke.hello", title: "Hello", category: "E2E Smoke"},
            {command: "e2eSmoke.panel", title: "Open Panel", category: "E2E Smoke"}
        ]
    }
};

/**
 * Supports Restricted Mode and activates on the same event as the smoke extension: once its
 * status item shows, the smoke extension would have activated too, had it been allowed to.
 */
const WITNESS_JS = `
const vscode = require("vscode");
exports.activate = (ctx) => {
    const status = vscode.window.createStatusBarItem("e2eWitness.status", vscode.StatusBarAlignment.Right, 99);
    status.text = "Witness: active";
    status.show();
    ctx.subscriptions.push(status);
};
`;

const WITNESS_PACKAGE_JSON = {
    name: "e2e-witness",
    displayName: "E2E Witness",
    publisher: "qpe2e",
    version: "0.0.1",
    engines: {vscode: "^1.100.0"},
    main: "./extension.js",
    activationEvents: ["onStartupFinished"],
    capabilities: {untrustedWorkspaces: {supported: true}}
};

async function buildVsix(dir: string, name: string, manifest: object, code: string): Promise<string> {
    const ext = join(dir, name);
    await mkdir(ext, {recursive: true});
    await writeFile(join(ext, "package.json"), JSON.stringify(manifest, null, 2));
    await writeFile(join(ext, "extension.js"), code);
    await writeFile(join(ext, "README.md"), `# ${name}\nThrowaway extension for the e2e harness test.\n`);
    return packageVsix(ext, join(dir, `${name}.vsix`));
}

const buildSmokeVsix = (dir: string) => buildVsix(dir, "e2e-smoke", PACKAGE_JSON, EXTENSION_JS);

test("e2e harness drives a real VS Code", {timeout: 300_000}, async (t) => {
    const tmp = await mkdtemp(join(tmpdir(), "qp-smoke-"));
    t.after(() => rm(tmp, {recursive: true, force: true}));
    const vsixPath = await buildSmokeVsix(tmp);
    const workspaceDir = join(tmp, "workspace");
    await mkdir(workspaceDir);
    await writeFile(join(workspaceDir, "notes.txt"), "first line\n");

    const vs = await startVsCode({vsixPath, workspaceDir, name: "smoke"});
    t.after(() => vs.close());

    await t.test("command from the palette shows a notification", async () => {
        await vs.runCommand("E2E Smoke: Hello");
        const texts = await waitFor(async () => {
            const n = await vs.notifications();
            return n.some((m) => m.includes("Hello from the e2e smoke extension")) && n;
        }, "the hello notification");
        assert.ok(texts.length >= 1);
        // The toast slides in; shoot once the animation is over.
        await vs.page.locator(".notification-toast.notification-fade-in-done").first().waitFor();
        await vs.screenshot("test-results/e2e/smoke-notification.png");
    });

    await t.test("status bar item is readable by id", async () => {
        const text = await waitFor(() => vs.statusBarText("e2eSmoke.status"), "status bar item");
        assert.equal(text, "Smoke: ready");
    });

    await t.test("multi-line ghost text is read back", async () => {
        await vs.openFile("notes.txt");
        await vs.page.keyboard.press("Control+End");
        await vs.typeText("greet");
        const ghost = await waitFor(() => vs.ghostText(), "ghost text");
        assert.equal(ghost, "ing(world)\nsecond line");
        await vs.screenshot("test-results/e2e/smoke-ghost.png");

        // Dismiss it (a pending automatic request can bring it back once), then ask again.
        await waitFor(async () => {
            await vs.page.keyboard.press("Escape");
            return waitFor(async () => (await vs.ghostText()) === null, "no ghost text", 1_000).then(() => true, () => false);
        }, "the ghost text to go away");
        await vs.triggerInlineSuggest();
        assert.equal(await waitFor(() => vs.ghostText(), "ghost text after an explicit trigger"), "ing(world)\nsecond line");
        await vs.page.keyboard.press("Tab");
        await waitFor(async () => (await vs.editorText()) === "first line\ngreeting(world)\nsecond line", "the accepted suggestion in the editor");
    });

    await t.test("webview content is reachable", async () => {
        await vs.runCommand("E2E Smoke: Open Panel");
        const frame = await vs.webviewFrame("Smoke Panel");
        assert.equal(await frame.locator("#msg").textContent(), "Smoke webview");
    });

    await t.test("extension output channel log is readable", async () => {
        // The log file is flushed asynchronously, so wait for the last line.
        const log = await waitFor(async () => {
            const text = await vs.readOutputChannel("E2E Smoke");
            return text?.includes("hello command ran") && text;
        }, "the hello line in the E2E Smoke log", 30_000);
        assert.match(log, /smoke extension activated/);
    });
});

test("workspaceTrust keeps the folder in Restricted Mode", {timeout: 300_000}, async (t) => {
    const tmp = await mkdtemp(join(tmpdir(), "qp-smoke-"));
    t.after(() => rm(tmp, {recursive: true, force: true}));
    const vsixPath = await buildSmokeVsix(tmp);
    const witness = await buildVsix(tmp, "e2e-witness", WITNESS_PACKAGE_JSON, WITNESS_JS);
    const workspaceDir = join(tmp, "workspace");
    await mkdir(workspaceDir);

    const vs = await startVsCode({vsixPath, extraVsixPaths: [witness], workspaceDir, workspaceTrust: true, name: "smoke-restricted"});
    t.after(() => vs.close());

    const mode = await waitFor(() => vs.statusBarText("status.workspaceTrust"), "the Restricted Mode status item");
    assert.match(mode, /Restricted Mode/);
    // The smoke extension declares no untrustedWorkspaces support, so it stays off: once the
    // witness, activated by the same event, shows its item, the smoke item would be there too.
    assert.equal(await waitFor(() => vs.statusBarText("e2eWitness.status"), "the witness extension's status item"), "Witness: active");
    assert.equal(await vs.statusBarText("e2eSmoke.status"), null);
});
