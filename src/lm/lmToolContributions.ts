import {BUILTIN_TOOLS} from "../tools/builtinTools";
import type {ToolDefinition} from "../tools/toolDefinition";
import {objectSchema, type ToolObjectSchema} from "../tools/toolSchema";
import {QUANTPILOT_LM_TOOL_PREFIX} from "./lmToolNames";

/** One entry of package.json's `contributes.languageModelTools`, which VS Code requires for each registered tool. */
export interface LmToolContribution {
    readonly name: string;
    readonly displayName: string;
    readonly toolReferenceName: string;
    readonly modelDescription: string;
    readonly canBeReferencedInPrompt: boolean;
    readonly tags: readonly string[];
    readonly inputSchema?: ToolObjectSchema;
}

/**
 * The workspace tools QuantPilot offers other extensions: only those that read. Tools that
 * change files or run commands need the assistant's review and approval UI, which a caller's
 * chat does not have, so they are not offered at all.
 */
export const LM_READ_TOOLS: readonly ToolDefinition<never>[] = BUILTIN_TOOLS.filter((tool) => tool.kind === "read");

export const COMPARE_QUANTIZATIONS_TOOL = {
    name: "compareQuantizations",
    description: "Compare quantizations of the model QuantPilot has loaded: scores each candidate against a reference " +
        "(KL divergence, same top token, speed, memory) on built-in code and prose, and returns the report. " +
        "Takes a minute or more; the user confirms first.",
    params: objectSchema({
        candidates: {
            oneOf: [{type: "array", items: {type: "string"}}, {type: "null"}],
            description: "Quantization types (Q4_K_M) or file names to compare; null compares every other variant on disk"
        },
        reference: {type: ["string", "null"], description: "Quantization type or file name of the reference; null picks F16/BF16, else the highest precision"}
    })
} as const;

export function lmToolName(toolName: string): string {
    return `${QUANTPILOT_LM_TOOL_PREFIX}${toolName}`;
}

/** What package.json must declare for the tools registered at run time; a unit test keeps the two equal. */
export function lmToolContributions(): LmToolContribution[] {
    return [...LM_READ_TOOLS, COMPARE_QUANTIZATIONS_TOOL].map((tool) => ({
        name: lmToolName(tool.name),
        displayName: `QuantPilot: ${words(tool.name)}`,
        toolReferenceName: lmToolName(tool.name),
        modelDescription: tool.description,
        canBeReferencedInPrompt: true,
        tags: ["quantpilot"],
        ...(tool.params != null ? {inputSchema: tool.params} : {})
    }));
}

/** "findFiles" → "Find Files". */
function words(name: string): string {
    return name.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/^./, (c) => c.toUpperCase());
}
