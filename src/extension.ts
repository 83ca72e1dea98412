import type * as vscode from "vscode";
import {createLog} from "./log";
import {QuantPilot} from "./quantPilot";
import {registerCommands} from "./commands";

let instance: QuantPilot | undefined;

export function activate(context: vscode.ExtensionContext): void {
    const log = createLog();
    const qp = new QuantPilot(context, log);
    instance = qp;
    context.subscriptions.push(log, ...registerCommands(qp));
    log.info(`QuantPilot ${context.extension.packageJSON.version as string} activated`);
    void qp.start();
}

export async function deactivate(): Promise<void> {
    await instance?.shutdown();
    instance = undefined;
}
