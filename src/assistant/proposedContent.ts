import * as vscode from "vscode";

export const PROPOSED_SCHEME = "quantpilot-proposed";

/**
 * Read-only virtual documents holding the two sides of a proposed change, so the diff shows
 * exactly what would be written and nothing touches the disk before the user accepts.
 */
export class ProposedContentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
    private readonly contents = new Map<string, string>();
    private readonly registration: vscode.Disposable;

    constructor() {
        this.registration = vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, this);
    }

    /** A URI whose document shows `text`; `path` keeps the file name, so the language is detected. */
    add(id: string, side: "before" | "after", path: string, text: string): vscode.Uri {
        const uri = vscode.Uri.from({scheme: PROPOSED_SCHEME, path: `/${id}/${side}/${path.replace(/^\/+/, "")}`});
        this.contents.set(uri.toString(), text);
        return uri;
    }

    remove(id: string): void {
        for (const key of [...this.contents.keys()])
            if (vscode.Uri.parse(key).path.startsWith(`/${id}/`))
                this.contents.delete(key);
    }

    provideTextDocumentContent(uri: vscode.Uri): string {
        return this.contents.get(uri.toString()) ?? "";
    }

    dispose(): void {
        this.registration.dispose();
        this.contents.clear();
    }
}
