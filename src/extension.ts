import type * as vscode from "vscode";
import {createLog} from "./log";
import {QuantPilot} from "./quantPilot";
import {registerCommands} from "./commands";
import {registerAssistant} from "./assistant/registerAssistant";

let instance: QuantPilot | undefined;

export function activate(context: vscode.ExtensionContext): void {
    const log = createLog();
    const qp = new QuantPilot(log, context.globalStorageUri.fsPath);
    instance = qp;
    context.subscriptions.push(log, ...registerCommands(qp), registerAssistant(context, qp.engine, log));
    log.info(`QuantPilot ${context.extension.packageJSON.version as string} activated`);
    void qp.start();
}

export async function deactivate(): Promise<void> {
    await instance?.shutdown();
    instance = undefined;
}
