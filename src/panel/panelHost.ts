import * as vscode from "vscode";
import {resolve} from "node:path";
import type {PanelServices} from "./panelServices";
import {QuantPilotPanel} from "./quantPilotPanel";

/** The webview type; also what VS Code stores to restore the panel after a reload. */
export const PANEL_VIEW_TYPE = "quantpilot.panel";

/**
 * Owns the one QuantPilot panel: opens it (a second open reveals it), and brings it back after
 * a window reload through the serializer.
 */
export class PanelHost implements vscode.Disposable {
    private current: QuantPilotPanel | undefined;
    private readonly serializer: vscode.Disposable;
    /** dist/extension.js lives in the extension's dist/ folder. */
    private readonly extensionRoot = vscode.Uri.file(resolve(__dirname, ".."));

    constructor(private readonly qp: PanelServices) {
        this.serializer = vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
            deserializeWebviewPanel: async (panel, state: unknown) => {
                qp.log.info(`Restoring the QuantPilot panel (saved view state: ${JSON.stringify(state) ?? "none"})`);
                this.adopt(panel);
            }
        });
    }

    open(): void {
        if (this.current != null) {
            this.current.panel.reveal();
            return;
        }
        const column = vscode.window.activeTextEditor != null ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
        this.adopt(vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, "QuantPilot", column, {enableScripts: true}));
    }

    private adopt(panel: vscode.WebviewPanel): void {
        if (this.current != null) {
            // Only one panel exists; a second restored copy would sample twice.
            panel.dispose();
            this.current.panel.reveal();
            return;
        }
        const current = new QuantPilotPanel(panel, this.qp, this.extensionRoot);
        this.current = current;
        current.onDidDispose(() => {
            if (this.current === current)
                this.current = undefined;
        });
    }

    /**
     * Stops the panel's work but leaves the panel open: on a window reload VS Code restores it
     * through the serializer, which needs it still listed as open.
     */
    dispose(): void {
        this.serializer.dispose();
        this.current?.dispose();
        this.current = undefined;
    }
}
