import * as vscode from "vscode";
import {DEFAULT_READ_LIMITS} from "../../tools/textContent";
import type {ToolDefinition} from "../../tools/toolDefinition";
import {ToolError} from "../../tools/toolError";
import {VsCodeToolEnvironment} from "../../tools/vscode/vscodeToolEnvironment";
import {toAbortSignal} from "../../vscodeUtil/cancellation";
import {LM_READ_TOOLS, lmToolName} from "../lmToolContributions";
import {toolInput} from "../lmToolInput";

/**
 * QuantPilot's read-only workspace tools as VS Code language model tools, under the assistant's
 * rules: they read without asking (as in the assistant), only in a trusted workspace, through
 * the same environment (open buffers, secret files refused, confinement to the workspace).
 */
export function registerWorkspaceLmTools(lm: Pick<typeof vscode.lm, "registerTool">): vscode.Disposable[] {
    return LM_READ_TOOLS.map((tool) => lm.registerTool<unknown>(lmToolName(tool.name), {
        prepareInvocation: () => ({invocationMessage: `QuantPilot: ${tool.name}`}),
        invoke: (options, token) => runReadTool(tool, options.input, token)
    }));
}

async function runReadTool(tool: ToolDefinition<never>, input: unknown, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
    if (!vscode.workspace.isTrusted)
        throw new ToolError("QuantPilot's tools are off: the workspace is in Restricted Mode.");
    const params = toolInput(tool, input);
    const cancellation = toAbortSignal(token);
    try {
        const environment = new VsCodeToolEnvironment(cancellation.signal, {
            limits: DEFAULT_READ_LIMITS,
            // Never reached by a read tool; refused all the same, since nobody could review it here.
            review: async () => "rejected",
            runCommand: async () => ({ran: false})
        });
        const output = await (tool as ToolDefinition<unknown>).run(params, environment);
        return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(typeof output.result === "string" ? output.result : JSON.stringify(output.result))]);
    } finally {
        cancellation.dispose();
    }
}
