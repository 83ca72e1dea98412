import type * as vscode from "vscode";
import {randomBytes} from "node:crypto";

/**
 * The view's HTML: the bundled script and its CSS from dist/, nothing else. The content security
 * policy allows only those files and the one script with this page's nonce, so model output can
 * never run code in the view (it is rendered as Markdown without HTML as well).
 */
export function assistantHtml(webview: vscode.Webview, extensionUri: vscode.Uri, uriJoin: (base: vscode.Uri, ...parts: string[]) => vscode.Uri): string {
    const nonce = randomBytes(16).toString("base64");
    const script = webview.asWebviewUri(uriJoin(extensionUri, "dist", "assistant.js"));
    const style = webview.asWebviewUri(uriJoin(extensionUri, "dist", "assistant.css"));
    const csp = [
        "default-src 'none'",
        `style-src ${webview.cspSource}`,
        `script-src 'nonce-${nonce}'`,
        `img-src ${webview.cspSource} data:`,
        `font-src ${webview.cspSource}`
    ].join("; ");
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>QuantPilot Assistant</title>
</head>
<body>
<div id="app" class="app"></div>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
