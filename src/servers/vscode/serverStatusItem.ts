import * as vscode from "vscode";
import type {CompletionRoute} from "../completionRouter";

/**
 * A status bar item shown while a job runs on a server: which one, and when completions fell back
 * to the in-process model (or have nothing to fall back to). Hidden when everything runs in-process.
 */
export class ServerStatusItem implements vscode.Disposable {
    private readonly item = vscode.window.createStatusBarItem("quantpilot.servers", vscode.StatusBarAlignment.Right, 99);

    constructor() {
        this.item.name = "QuantPilot Servers";
        this.item.command = "quantpilot.openPanel";
    }

    update(completions: CompletionRoute, assistant: string | undefined): void {
        const chat = assistant != null ? `Assistant: ${assistant}` : "Assistant: this process";
        switch (completions.kind) {
            case "local":
                if (assistant == null) {
                    this.item.hide();
                    return;
                }
                this.show(`$(server) ${assistant}`, undefined, ["Completions: this process", chat]);
                return;
            case "server":
                this.show(`$(server) ${nameOf(completions.server)}`, undefined, [`Completions: ${completions.server}`, chat]);
                return;
            case "fallback":
                this.show(`$(warning) ${nameOf(completions.server)} failing · completions in-process`, "warningBackground",
                    [`Completions fell back to the in-process model: ${completions.reason}`, "They return to the server when it answers again.", chat]);
                return;
            case "down":
                this.show(`$(error) ${nameOf(completions.server)} failing · no completions`, "errorBackground",
                    [`Completions are off until the server answers again: ${completions.reason}`, "Load a model in-process to fall back to it.", chat]);
                return;
            case "unsupported":
                this.show(`$(circle-slash) ${nameOf(completions.server)}: no completions`, "warningBackground", [completions.reason, chat]);
                return;
        }
    }

    private show(text: string, background: "warningBackground" | "errorBackground" | undefined, lines: string[]): void {
        this.item.text = text;
        this.item.tooltip = lines.join("\n");
        this.item.backgroundColor = background != null ? new vscode.ThemeColor(`statusBarItem.${background}`) : undefined;
        this.item.show();
    }

    dispose(): void {
        this.item.dispose();
    }
}

/** "gpu (llama-server at …)" → "gpu". */
function nameOf(label: string): string {
    return label.replace(/ \(.*$/, "");
}
