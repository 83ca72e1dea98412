/**
 * Runs inside VS Code desktop's extension host (loaded by @vscode/test-electron): checks that
 * QuantPilot activates, registers its commands and loads the generated model.
 */
import assert from "node:assert/strict";
import * as vscode from "vscode";

export async function run(): Promise<void> {
    const extension = vscode.extensions.getExtension("quantpilot.quantpilot");
    assert.ok(extension, "QuantPilot is installed");
    await vscode.workspace.getConfiguration("quantpilot").update("threads", 1, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration("quantpilot").update("modelPath", process.env.QUANTPILOT_TEST_MODEL, vscode.ConfigurationTarget.Global);
    await extension.activate();
    const commands = await vscode.commands.getCommands(true);
    for (const id of ["quantpilot.selectModelFile", "quantpilot.showLog", "quantpilot.toggleInlineCompletions", "quantpilot.createDemoModel"])
        assert.ok(commands.includes(id), `${id} is registered`);
    const document = await vscode.workspace.openTextDocument({language: "python", content: "def add(a, b):\n    "});
    await vscode.window.showTextDocument(document);
    const deadline = Date.now() + 60_000;
    let count = 0;
    while (Date.now() < deadline && count === 0) {
        const list = await vscode.commands.executeCommand<vscode.InlineCompletionList | undefined>(
            "vscode.executeInlineCompletionItemProvider", document.uri, new vscode.Position(1, 4));
        count = list?.items.length ?? 0;
        if (count === 0)
            await new Promise((r) => setTimeout(r, 1000));
    }
    assert.ok(count > 0, "the inline completion provider answered with a suggestion");
}
