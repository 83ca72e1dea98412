import * as vscode from "vscode";
import type {AbService} from "../../ab/vscode/abService";
import type {ModelServices} from "../../models/modelServices";
import {registerCompareQuantizationsLmTool} from "./compareQuantizationsLmTool";
import {languageModelProviderApi} from "./lmProviderApi";
import {QUANTPILOT_LM_VENDOR, QuantPilotChatProvider, type ChatProviderServices} from "./quantPilotChatProvider";
import {registerWorkspaceLmTools} from "./workspaceLmTools";

export interface LanguageModelServices extends ChatProviderServices {
    readonly modelServices: Pick<ModelServices, "models" | "config" | "storageDir">;
    readonly ab: Pick<AbService, "run">;
}

/**
 * Offers the loaded model (VS Code 1.104+) and QuantPilot's tools (1.95+) through VS Code's
 * language model API, each only where this editor has the API: on an older one the part is
 * skipped with a log line, never an error.
 */
export function registerLanguageModels(services: LanguageModelServices, editor: {readonly lm?: unknown} = vscode): vscode.Disposable[] {
    const lm = editor.lm;
    const disposables: vscode.Disposable[] = [];
    const providerApi = languageModelProviderApi(lm);
    if (providerApi != null) {
        const provider = new QuantPilotChatProvider(services);
        disposables.push(provider, providerApi.registerLanguageModelChatProvider(QUANTPILOT_LM_VENDOR, provider));
        services.log.info(`Language model API: the loaded model is offered to other extensions as vendor "${QUANTPILOT_LM_VENDOR}"`);
    } else
        services.log.info(`Language model API: this editor (${vscode.version}) cannot take chat model providers (VS Code 1.104+); the model is not offered to other extensions`);
    const tools = toolApi(lm);
    if (tools != null) {
        disposables.push(...registerWorkspaceLmTools(tools), registerCompareQuantizationsLmTool(tools, services.modelServices, services.ab));
        services.log.info("Language model API: QuantPilot's read-only workspace tools and compareQuantizations are registered");
    } else
        services.log.info(`Language model API: this editor (${vscode.version}) has no language model tools API; QuantPilot's tools are not registered`);
    return disposables;
}

function toolApi(lm: unknown): Pick<typeof vscode.lm, "registerTool"> | undefined {
    const register = (lm as Partial<typeof vscode.lm> | undefined)?.registerTool;
    return typeof register === "function" ? {registerTool: register.bind(lm)} : undefined;
}
