import type * as vscode from "vscode";

// VS Code 1.104 finalized language model chat providers; the @types/vscode this extension builds
// against (1.100, its minimum) does not have them. These are the parts QuantPilot uses, as
// declared in VS Code's src/vscode-dts/vscode.d.ts (1.104), and nothing here says they exist at
// run time: `languageModelProviderApi` checks.

/** `LanguageModelChatInformation`: one model in the editor's list. */
export interface LanguageModelChatInformation {
    readonly id: string;
    readonly name: string;
    readonly family: string;
    readonly tooltip?: string;
    readonly detail?: string;
    readonly version: string;
    readonly maxInputTokens: number;
    readonly maxOutputTokens: number;
    readonly capabilities: {readonly imageInput?: boolean; readonly toolCalling?: boolean | number};
}

/** `LanguageModelChatRequestMessage`: parts are LanguageModelTextPart, ...ToolCallPart, ...ToolResultPart or unknown. */
export interface LanguageModelChatRequestMessage {
    readonly role: vscode.LanguageModelChatMessageRole;
    readonly content: ReadonlyArray<unknown>;
    readonly name: string | undefined;
}

/** `ProvideLanguageModelChatResponseOptions`. */
export interface ProvideLanguageModelChatResponseOptions {
    readonly modelOptions?: {readonly [name: string]: unknown};
    readonly tools?: readonly vscode.LanguageModelChatTool[];
    readonly toolMode: vscode.LanguageModelChatToolMode;
}

export type LanguageModelResponsePart = vscode.LanguageModelTextPart | vscode.LanguageModelToolResultPart | vscode.LanguageModelToolCallPart;

/** `PrepareLanguageModelChatModelOptions`. */
export interface PrepareLanguageModelChatModelOptions {
    readonly silent: boolean;
}

/** `LanguageModelChatProvider`. */
export interface LanguageModelChatProvider<T extends LanguageModelChatInformation = LanguageModelChatInformation> {
    readonly onDidChangeLanguageModelChatInformation?: vscode.Event<void>;
    provideLanguageModelChatInformation(options: PrepareLanguageModelChatModelOptions, token: vscode.CancellationToken): vscode.ProviderResult<T[]>;
    provideLanguageModelChatResponse(
        model: T,
        messages: readonly LanguageModelChatRequestMessage[],
        options: ProvideLanguageModelChatResponseOptions,
        progress: vscode.Progress<LanguageModelResponsePart>,
        token: vscode.CancellationToken
    ): Thenable<void>;
    provideTokenCount(model: T, text: string | LanguageModelChatRequestMessage, token: vscode.CancellationToken): Thenable<number>;
}

/** `vscode.lm.registerLanguageModelChatProvider`. */
export interface LanguageModelProviderApi {
    registerLanguageModelChatProvider(vendor: string, provider: LanguageModelChatProvider): vscode.Disposable;
}

/** The provider API when this editor has it (1.104+); undefined on older ones. */
export function languageModelProviderApi(lm: unknown): LanguageModelProviderApi | undefined {
    const register = (lm as Partial<LanguageModelProviderApi> | undefined)?.registerLanguageModelChatProvider;
    return typeof register === "function" ? {registerLanguageModelChatProvider: register.bind(lm)} : undefined;
}
