import * as vscode from "vscode";
import type {AbService} from "./abService";
import {exportAbReport, showAbReport} from "./abReportView";

/** `QuantPilot: Show Quantization A/B History`: past comparisons, newest first; open, export or delete one. */
export async function showAbHistory(ab: AbService): Promise<void> {
    const entries = await ab.history.list();
    if (entries.length === 0) {
        const run = await vscode.window.showInformationMessage("No quantization comparisons yet.", "Compare Quantizations\u2026");
        if (run != null)
            await vscode.commands.executeCommand("quantpilot.compareQuantizations");
        return;
    }
    const picked = await vscode.window.showQuickPick(entries.map((e) => ({
        label: `${e.reference} vs ${e.candidates.join(", ")}`,
        description: new Date(e.createdAt).toLocaleString(),
        detail: e.verdicts.join(" \u00b7 "),
        id: e.id
    })), {title: "Quantization A/B history", matchOnDetail: true});
    if (picked == null)
        return;
    const action = await vscode.window.showQuickPick(["Open", "Export JSON\u2026", "Export Markdown\u2026", "Delete"], {title: picked.label});
    switch (action) {
        case "Open":
            await showAbReport(ab, picked.id, await ab.history.load(picked.id));
            break;
        case "Export JSON\u2026":
            await exportAbReport(ab, picked.id, "json");
            break;
        case "Export Markdown\u2026":
            await exportAbReport(ab, picked.id, "markdown");
            break;
        case "Delete":
            await ab.remove(picked.id);
            break;
    }
}
