import * as vscode from "vscode";
import type {Config} from "../config";
import type {ChatBackend} from "../engine/chat/chatBackend";
import type {Logger} from "../util/logger";
import {AssistantController} from "./assistantController";
import {ASSISTANT_VIEW_ID, AssistantViewProvider} from "./assistantViewProvider";

/**
 * Registers the Assistant view and its commands. Every command id here is declared in
 * package.json's `contributes.commands`; the view in `contributes.views`.
 */
/** What the assistant needs, built before it. */
export interface AssistantServices {
    /** The in-process chat, or a server's (chosen by quantpilot.assistant.backend). */
    readonly chat: ChatBackend;
    readonly config: Config;
    readonly log: Logger;
}

export function registerAssistant(context: vscode.ExtensionContext, services: AssistantServices): vscode.Disposable {
    const {chat, config, log} = services;
    const controller = new AssistantController(chat, context.workspaceState, config, log);
    const provider = new AssistantViewProvider(controller, context.extensionUri, log);
    const decideActive = async (approve: boolean) => {
        const callId = controller.reviewer.activeCallId() ?? controller.approvals.latest("change")?.callId;
        const approval = callId != null ? controller.approvals.get(callId) : undefined;
        const dangers = approval?.kind === "change" ? approval.dangers ?? [] : [];
        // A dangerous change (a write into .git/) is accepted from the diff's title only after an explicit yes.
        if (approve && dangers.length > 0 && await vscode.window.showWarningMessage(
            "Accept this change?", {modal: true, detail: dangers.map((d) => `Dangerous: ${d}.`).join("\n")}, "Accept Anyway") !== "Accept Anyway")
            return;
        if (callId == null || !controller.approvals.decide(callId, approve))
            void vscode.window.showInformationMessage("No QuantPilot change is waiting for a decision.");
    };
    return vscode.Disposable.from(
        controller,
        provider,
        vscode.window.registerWebviewViewProvider(ASSISTANT_VIEW_ID, provider, {webviewOptions: {retainContextWhenHidden: true}}),
        vscode.commands.registerCommand("quantpilot.assistant.open", () => provider.reveal()),
        vscode.commands.registerCommand("quantpilot.assistant.newChat", async () => {
            await controller.newChat();
            await provider.reveal();
        }),
        vscode.commands.registerCommand("quantpilot.assistant.showHistory", () => controller.showHistory()),
        vscode.commands.registerCommand("quantpilot.assistant.acceptChange", () => decideActive(true)),
        vscode.commands.registerCommand("quantpilot.assistant.rejectChange", () => decideActive(false))
    );
}
