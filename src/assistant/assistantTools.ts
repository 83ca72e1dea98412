import * as vscode from "vscode";
import type {ChatTool} from "../engine/chat/chatTool";
import type {ChatModelFacts} from "../engine/chat/chatBackend";
import {BUILTIN_TOOLS} from "../tools/builtinTools";
import {asChatTool} from "../tools/chatToolAdapter";
import {externalTools} from "../tools/vscode/externalTools";
import {DEFAULT_READ_LIMITS} from "../tools/textContent";
import {ToolError} from "../tools/toolError";
import {VsCodeToolEnvironment} from "../tools/vscode/vscodeToolEnvironment";
import type {Logger} from "../util/logger";
import type {ApprovalBroker} from "./approvalBroker";
import type {AssistantSettings} from "./assistantSettings";
import type {ChangeReviewer} from "./changeReviewer";
import type {ToolsStatus} from "./protocol";
import {runInTerminal} from "./terminalCommandRunner";

export interface AssistantToolServices {
    readonly approvals: ApprovalBroker;
    readonly reviewer: ChangeReviewer;
    readonly log: Logger;
}

/** Whether tools can be offered at all, and why not: no model, no tool support, Restricted Mode. */
export function toolsStatus(model: ChatModelFacts | undefined): ToolsStatus {
    if (model == null)
        return {available: false, reason: "no model is loaded"};
    if (!model.supportsTools)
        return {available: false, reason: `${model.fileName} has no tool support in its chat template (${model.chatWrapper} format)`};
    if (!vscode.workspace.isTrusted)
        return {available: false, reason: "the workspace is in Restricted Mode; trust it to let the assistant use tools"};
    return {available: true};
}

/**
 * The tools for one turn: QuantPilot's own, over the workspace, and (when enabled) those other
 * extensions contribute. Every call checks workspace trust again, so revoking it stops tools
 * at once.
 */
export function assistantTools(services: AssistantToolServices, settings: AssistantSettings): ChatTool[] {
    const own = BUILTIN_TOOLS.map((tool) => asChatTool(tool, (call) => new VsCodeToolEnvironment(call.signal, {
        limits: DEFAULT_READ_LIMITS,
        review: (change, signal) => services.reviewer.review(change, call.id, signal),
        runCommand: async (command, cwd, dangers, signal) => {
            const approved = await services.approvals.request({callId: call.id, kind: "command", command, cwd, ...(dangers.length > 0 ? {dangers} : {})}, signal);
            if (!approved)
                return {ran: false};
            services.log.info(`Assistant: running approved command in ${cwd}${dangers.length > 0 ? ` (marked dangerous: ${dangers.join("; ")})` : ""}: ${command}`);
            return runInTerminal({command, cwd, signal, timeoutMs: settings.commandTimeoutSeconds * 1000});
        }
    })));
    const others = settings.otherExtensionTools
        ? externalTools(new Set(own.map((t) => t.name)),
            (tool, input, callId, signal) => services.approvals.request({callId, kind: "externalTool", tool, input}, signal),
            DEFAULT_READ_LIMITS.maxChars)
        : {tools: [], skipped: []};
    for (const skipped of others.skipped)
        services.log.debug(`Assistant: not offering ${skipped.name}: ${skipped.reason}`);
    if (others.tools.length > 0)
        services.log.info(`Assistant: tools from other extensions: ${others.tools.map((t) => t.name).join(", ")}`);
    return [...own, ...others.tools].map(requireTrust);
}

function requireTrust(tool: ChatTool): ChatTool {
    return {
        ...tool,
        invoke: (params, call) => {
            if (!vscode.workspace.isTrusted)
                return Promise.reject(new ToolError("Tools are turned off: the workspace is in Restricted Mode."));
            return tool.invoke(params, call);
        }
    };
}
