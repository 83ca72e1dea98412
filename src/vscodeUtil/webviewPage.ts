import {randomBytes} from "node:crypto";

export interface WebviewPageParts {
    /** `webview.cspSource`: the origin the webview's own resources are served from. */
    readonly cspSource: string;
    /** A fresh nonce per page; only the script carrying it runs. */
    readonly nonce: string;
    /** The page's one script (a bundle in dist/) as a webview URI. */
    readonly scriptUri: string;
    /** Style sheets as webview URIs. */
    readonly styleUris: readonly string[];
    readonly title: string;
    /** The markup the script mounts into; trusted, written by the extension. */
    readonly body: string;
}

/**
 * The page of every QuantPilot webview (the panel, the assistant). The policy allows nothing by
 * default; styles, images and fonts come only from the extension's own files, and the one script
 * runs by nonce. No remote content, no inline script, no eval, so nothing a model writes can run.
 */
export function webviewPage(parts: WebviewPageParts): string {
    const csp = [
        "default-src 'none'",
        `img-src ${parts.cspSource} data:`,
        `style-src ${parts.cspSource}`,
        `font-src ${parts.cspSource}`,
        `script-src 'nonce-${parts.nonce}'`
    ].join("; ");
    const styles = parts.styleUris.map((uri) => `    <link rel="stylesheet" href="${escapeAttribute(uri)}">`).join("\n");
    return `<!DOCTYPE html>
<html lang="en">
<head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${csp}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
    <title>${escapeAttribute(parts.title)}</title>
</head>
<body>
    ${parts.body}
    <script nonce="${parts.nonce}" src="${escapeAttribute(parts.scriptUri)}"></script>
</body>
</html>`;
}

/** 128 random bits, hex: valid in a CSP nonce and an attribute without escaping. */
export function makeNonce(): string {
    return randomBytes(16).toString("hex");
}

function escapeAttribute(value: string): string {
    return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
