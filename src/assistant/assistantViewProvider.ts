import * as vscode from "vscode";
import type {Logger} from "../util/logger";
import type {AssistantController} from "./assistantController";
import {assistantHtml} from "./assistantHtml";
import type {HostMessage} from "./protocol";
import {parseWebviewMessage} from "./webviewMessages";

export const ASSISTANT_VIEW_ID = "quantpilot.assistant";

/** The Assistant view in QuantPilot's activity bar container: a webview over the controller. */
export class AssistantViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
    private view: vscode.WebviewView | undefined;
    private readonly disposables: vscode.Disposable[] = [];

    constructor(private readonly controller: AssistantController, private readonly extensionUri: vscode.Uri, private readonly log: Logger) {
        controller.connect((message) => this.post(message));
    }

    resolveWebviewView(view: vscode.WebviewView): void {
        this.view = view;
        view.webview.options = {enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, "dist")]};
        view.webview.html = assistantHtml(view.webview, this.extensionUri, vscode.Uri.joinPath);
        this.disposables.push(
            view.webview.onDidReceiveMessage((raw: unknown) => {
                const parsed = parseWebviewMessage(raw);
                if (!parsed.ok) {
                    this.log.warn(`Assistant view: ignored a message from the webview: ${parsed.reason}`);
                    return;
                }
                const message = parsed.message;
                this.controller.handle(message).catch((err: unknown) =>
                    this.log.error(`Assistant: ${message.type} failed: ${err instanceof Error ? err.message : String(err)}`));
            }),
            view.onDidDispose(() => {
                this.view = undefined;
            })
        );
    }

    /** Shows the view and puts the cursor in its input. */
    async reveal(): Promise<void> {
        await vscode.commands.executeCommand(`${ASSISTANT_VIEW_ID}.focus`);
        this.post({type: "focusInput"});
    }

    private post(message: HostMessage): void {
        void this.view?.webview.postMessage(message);
    }

    dispose(): void {
        for (const d of this.disposables.splice(0))
            d.dispose();
    }
}
