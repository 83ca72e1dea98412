import * as vscode from "vscode";
import type {Logger} from "./util/logger";

/** The extension's one output channel; its level follows VS Code's "Set Log Level…" command. */
export function createLog(): vscode.LogOutputChannel & Logger {
    return vscode.window.createOutputChannel("QuantPilot", {log: true});
}
