import type * as vscode from "vscode";
import {makeNonce, webviewPage} from "../vscodeUtil/webviewPage";

/**
 * The view's HTML: the bundled script and its CSS from dist/, nothing else. Model output is
 * rendered as Markdown without HTML as well, so it can never run code in the view.
 */
export function assistantHtml(webview: vscode.Webview, extensionUri: vscode.Uri, uriJoin: (base: vscode.Uri, ...parts: string[]) => vscode.Uri): string {
    const uri = (file: string) => webview.asWebviewUri(uriJoin(extensionUri, "dist", file)).toString();
    return webviewPage({
        cspSource: webview.cspSource,
        nonce: makeNonce(),
        scriptUri: uri("assistant.js"),
        styleUris: [uri("assistant.css")],
        title: "QuantPilot Assistant",
        body: `<div id="app" class="app"></div>`
    });
}
