import * as vscode from "vscode";
import {isAbortError} from "../util/abort";
import type {Logger} from "../util/logger";

/**
 * How a failed user action is reported: logged, and shown once as a notification with a way to
 * the log. Cancellations are neither.
 */
export async function reportUserActionError(log: Logger, action: string, err: unknown): Promise<void> {
    if (isAbortError(err)) {
        log.info(`${action}: cancelled`);
        return;
    }
    const message = err instanceof Error ? err.message : String(err);
    log.error(`${action}: ${message}`);
    if (err instanceof Error && err.stack != null)
        log.debug(err.stack);
    const choice = await vscode.window.showErrorMessage(message, "Show Log");
    if (choice === "Show Log")
        await vscode.commands.executeCommand("quantpilot.showLog");
}
