import Module from "node:module";
import {writeFile} from "node:fs/promises";

/**
 * A stand-in for the `vscode` module with just what VsCodeToolEnvironment touches for files:
 * workspace folders, open text documents (an edit and a save go to disk the way VS Code's file
 * service does, following links), workspace edits and ranges. Importing this file installs it,
 * so the VS Code tool environment can run under `node --test`.
 */
export interface FakeDocument {
    readonly uri: {readonly scheme: "file"; readonly fsPath: string};
    text: string;
    getText(): string;
    positionAt(offset: number): number;
    save(): Promise<boolean>;
}

class Range {
    constructor(readonly start: number, readonly end: number) {}
}

class WorkspaceEdit {
    readonly replacements: Array<{uri: {fsPath: string}; range: Range; text: string}> = [];

    replace(uri: {fsPath: string}, range: Range, text: string): void {
        this.replacements.push({uri, range, text});
    }
}

export const fakeVscode = {
    workspace: {
        workspaceFolders: [] as Array<{name: string; uri: {scheme: "file"; fsPath: string}}>,
        textDocuments: [] as FakeDocument[],
        isTrusted: true,
        async applyEdit(edit: WorkspaceEdit): Promise<boolean> {
            for (const r of edit.replacements) {
                const doc = fakeVscode.workspace.textDocuments.find((d) => d.uri.fsPath === r.uri.fsPath);
                if (doc == null)
                    return false;
                doc.text = doc.text.slice(0, r.range.start) + r.text + doc.text.slice(r.range.end);
            }
            return true;
        }
    },
    env: {appRoot: "/nonexistent-vscode"},
    languages: {getDiagnostics: () => []},
    window: {activeTextEditor: undefined, tabGroups: {all: []}},
    Uri: {file: (fsPath: string) => ({scheme: "file", fsPath})},
    Range,
    WorkspaceEdit
};

/** Opens a document over `fsPath` with `text` as its buffer, as an editor tab would. */
export function openFakeDocument(fsPath: string, text: string): FakeDocument {
    const doc: FakeDocument = {
        uri: {scheme: "file", fsPath},
        text,
        getText: () => doc.text,
        positionAt: (offset) => offset,
        save: async () => {
            await writeFile(fsPath, doc.text);
            return true;
        }
    };
    fakeVscode.workspace.textDocuments.push(doc);
    return doc;
}

/** Points the fake's single workspace folder at `root` and closes every document. */
export function resetFakeVscode(root: string): void {
    fakeVscode.workspace.workspaceFolders = [{name: "project", uri: {scheme: "file", fsPath: root}}];
    fakeVscode.workspace.textDocuments = [];
}

type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;
const loader = Module as unknown as {_load: Loader};
const original = loader._load;
loader._load = (request, parent, isMain) => request === "vscode" ? fakeVscode : original(request, parent, isMain);
