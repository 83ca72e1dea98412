import * as vscode from "vscode";
import type {ChatBackend} from "../../engine/chat/chatBackend";
import type {ModelDescription} from "../../engine/modelDescription";
import type {Logger} from "../../util/logger";
import {toAbortSignal} from "../../vscodeUtil/cancellation";
import {LmRequestError, runLmRequest} from "../lmChatRequest";
import {countableText} from "../lmMessages";
import {lmModelInfo, type LmModelInfo} from "../lmModelInfo";
import type {
    LanguageModelChatProvider, LanguageModelChatRequestMessage, LanguageModelResponsePart, ProvideLanguageModelChatResponseOptions
} from "./lmProviderApi";

/** The vendor other extensions select QuantPilot's model by: `vscode.lm.selectChatModels({vendor: "quantpilot"})`. */
export const QUANTPILOT_LM_VENDOR = "quantpilot";

/** What the provider reads: the one owner of the model state, the assistant's chat engine and the tokenizer. */
export interface ChatProviderServices {
    /** ModelController: which model is loaded, and when that changes. */
    readonly models: {readonly model: ModelDescription | undefined; onDidChangeState(listener: () => void): {dispose(): void}};
    /** The in-process chat the assistant uses (LocalChatBackend), shared so both use one context. */
    readonly chat: Pick<ChatBackend, "model" | "runTurn">;
    /** The loaded model's tokenizer; undefined when none is loaded. */
    readonly tokenizer: () => {tokenize(text: string): readonly unknown[]} | undefined;
    /** `quantpilot.assistant.maxReplyTokens`, read per request. */
    readonly maxReplyTokens: () => number;
    readonly log: Logger;
    /** Test seam: scripted replies for the next request (see assistantTestHooks.ts); none in normal use. */
    readonly script?: () => readonly string[] | undefined;
}

/**
 * QuantPilot's loaded model as a language model of VS Code (1.104+), for other extensions and
 * the editor's chat: it lists the model, streams its replies and hands its tool calls back to the
 * caller, made the way the assistant makes them.
 */
export class QuantPilotChatProvider implements LanguageModelChatProvider<LmModelInfo>, vscode.Disposable {
    private readonly changed = new vscode.EventEmitter<void>();
    readonly onDidChangeLanguageModelChatInformation = this.changed.event;
    private listed: string;
    private readonly subscription: {dispose(): void};

    constructor(private readonly services: ChatProviderServices) {
        this.listed = this.currentKey();
        this.subscription = services.models.onDidChangeState(() => this.modelChanged());
    }

    provideLanguageModelChatInformation(): LmModelInfo[] {
        const model = this.services.models.model;
        return model != null ? [lmModelInfo(model, this.services.maxReplyTokens())] : [];
    }

    async provideLanguageModelChatResponse(
        model: LmModelInfo,
        messages: readonly LanguageModelChatRequestMessage[],
        options: ProvideLanguageModelChatResponseOptions,
        progress: vscode.Progress<LanguageModelResponsePart>,
        token: vscode.CancellationToken
    ): Promise<void> {
        const cancellation = toAbortSignal(token);
        const script = this.services.script?.();
        try {
            await runLmRequest(this.services.chat, {
                modelId: model.id,
                messages,
                tools: options.tools ?? [],
                toolsRequired: options.toolMode === vscode.LanguageModelChatToolMode.Required,
                signal: cancellation.signal,
                onText: (text) => progress.report(new vscode.LanguageModelTextPart(text)),
                onToolCall: (call) => progress.report(new vscode.LanguageModelToolCallPart(call.callId, call.name, call.input)),
                log: (line) => this.services.log.info(line),
                ...(script != null ? {script} : {})
            });
        } catch (err) {
            if (err instanceof LmRequestError)
                this.services.log.info(`Language model API: ${err.message}`);
            else
                this.services.log.error(err instanceof Error ? err : String(err));
            throw err;
        } finally {
            cancellation.dispose();
        }
    }

    async provideTokenCount(_model: LmModelInfo, text: string | LanguageModelChatRequestMessage): Promise<number> {
        const tokenizer = this.services.tokenizer();
        if (tokenizer == null)
            throw new LmRequestError("QuantPilot has no model loaded, so it cannot count tokens.");
        return tokenizer.tokenize(typeof text === "string" ? text : countableText(text)).length;
    }

    dispose(): void {
        this.subscription.dispose();
        this.changed.dispose();
    }

    /** Tells the editor to list the models again when what it lists would change (a switch, an unload). */
    private modelChanged(): void {
        const key = this.currentKey();
        if (key === this.listed)
            return;
        this.listed = key;
        this.changed.fire();
    }

    private currentKey(): string {
        return JSON.stringify(this.provideLanguageModelChatInformation());
    }
}
