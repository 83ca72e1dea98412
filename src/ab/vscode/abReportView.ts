import * as vscode from "vscode";
import {mkdir, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {abJson} from "../report/abJson";
import {abMarkdown} from "../report/abMarkdown";
import type {AbReport} from "../report/abReport";
import type {AbService} from "./abService";

/**
 * Shows a saved report as a Markdown preview, with its verdicts in a notification that offers
 * the exports. The preview reads a file in the temp folder, so closing it asks nothing.
 */
export async function showAbReport(ab: AbService, id: string, report: AbReport): Promise<void> {
    const dir = join(tmpdir(), "quantpilot-ab");
    await mkdir(dir, {recursive: true});
    const file = join(dir, `${id}.md`);
    await writeFile(file, abMarkdown(report), "utf8");
    await vscode.commands.executeCommand("markdown.showPreview", vscode.Uri.file(file));
    const summary = report.candidates.map((c) => c.verdict).join("\n");
    const choice = await vscode.window.showInformationMessage(summary, "Export JSON\u2026", "Export Markdown\u2026");
    if (choice === "Export JSON\u2026")
        await exportAbReport(ab, id, "json");
    else if (choice === "Export Markdown\u2026")
        await exportAbReport(ab, id, "markdown");
}

/** Writes a saved report where the user says: the CLI's JSON object, or the Markdown report. */
export async function exportAbReport(ab: AbService, id: string, format: "json" | "markdown"): Promise<void> {
    const report = await ab.history.load(id);
    const extension = format === "json" ? "json" : "md";
    const target = await vscode.window.showSaveDialog({
        title: `Export A/B report as ${format === "json" ? "JSON" : "Markdown"}`,
        defaultUri: vscode.Uri.file(`${id}.${extension}`),
        filters: format === "json" ? {JSON: ["json"]} : {Markdown: ["md"]}
    });
    if (target == null)
        return;
    const content = format === "json" ? JSON.stringify({...abJson(report), report}, null, 2) : abMarkdown(report);
    await writeFile(target.fsPath, content, "utf8");
    void vscode.window.showInformationMessage(`Exported ${target.fsPath}`);
}
