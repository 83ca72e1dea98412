import * as vscode from "vscode";
import type {ChatTool} from "../../engine/chat/chatTool";
import {dropOptionalNulls, toGrammarSchema} from "../grammarSchema";
import {truncateText} from "../textContent";
import {ToolError} from "../toolError";
import {QUANTPILOT_LM_TOOL_PREFIX} from "../../lm/lmToolNames";

/** Asks the user whether another extension's tool may run with this input. */
export type ExternalToolApproval = (tool: string, input: string, callId: string, signal: AbortSignal) => Promise<boolean>;

export interface ExternalToolsResult {
    readonly tools: ChatTool[];
    /** Tools left out, with the reason (their schema cannot be expressed as a grammar). */
    readonly skipped: ReadonlyArray<{readonly name: string; readonly reason: string}>;
}

/**
 * The tools other extensions contribute through VS Code's language model tools API, offered to
 * the local model like QuantPilot's own, each call behind the same confirmation as a command.
 */
export function externalTools(reserved: ReadonlySet<string>, approve: ExternalToolApproval, maxResultChars: number): ExternalToolsResult {
    const tools: ChatTool[] = [];
    const skipped: Array<{name: string; reason: string}> = [];
    const taken = new Set(reserved);
    for (const info of availableTools()) {
        const params = toGrammarSchema(info.inputSchema);
        if (params === undefined) {
            skipped.push({name: info.name, reason: "its input schema uses features the grammar cannot express"});
            continue;
        }
        const name = uniqueName(info.name, taken);
        tools.push({
            name,
            description: info.description,
            ...(params != null ? {params} : {}),
            optional: true,
            invoke: async (input, call) => {
                const cleaned = dropOptionalNulls(input ?? {}, info.inputSchema);
                if (!await approve(info.name, JSON.stringify(cleaned, null, 2), call.id, call.signal))
                    return {result: `The user did not allow ${info.name} to run.`, summary: `Not run: ${info.name}`, status: "rejected"};
                const source = new vscode.CancellationTokenSource();
                const onAbort = () => source.cancel();
                call.signal.addEventListener("abort", onAbort, {once: true});
                try {
                    const result = await vscode.lm.invokeTool(info.name, {input: cleaned as object, toolInvocationToken: undefined}, source.token);
                    return {result: truncateText(resultText(result), maxResultChars, "result"), summary: `Ran ${info.name}`};
                } catch (err) {
                    throw new ToolError(`${info.name} failed: ${err instanceof Error ? err.message : String(err)}`);
                } finally {
                    call.signal.removeEventListener("abort", onAbort);
                    source.dispose();
                }
            }
        });
    }
    return {tools, skipped};
}

/**
 * VS Code's own `*_internal` tools serve its built-in chat only; QuantPilot's own (which it
 * registers for other extensions) are built in already. Neither is offered.
 */
function availableTools(): readonly vscode.LanguageModelToolInformation[] {
    try {
        return (vscode.lm?.tools ?? []).filter((tool) => !tool.name.endsWith("_internal") && !tool.name.startsWith(QUANTPILOT_LM_TOOL_PREFIX));
    } catch {
        return []; // an editor without the language model tools API
    }
}

/** A function name the grammar accepts (no spaces) that clashes with no other tool. */
function uniqueName(name: string, taken: Set<string>): string {
    const base = name.replace(/[^A-Za-z0-9_-]/g, "_") || "tool";
    let candidate = base;
    for (let i = 2; taken.has(candidate); i++)
        candidate = `${base}_${i}`;
    taken.add(candidate);
    return candidate;
}

function resultText(result: vscode.LanguageModelToolResult): string {
    return result.content.map((part) => part instanceof vscode.LanguageModelTextPart ? part.value : JSON.stringify(part)).join("\n");
}
