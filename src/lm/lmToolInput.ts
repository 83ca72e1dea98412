import {ToolCallValidator} from "../tools/toolCallValidator";
import {ToolError} from "../tools/toolError";
import type {ToolObjectSchema} from "../tools/toolSchema";

/**
 * A caller's tool input as QuantPilot's tools take it. Their schemas list every property (optional
 * ones are nullable, for the grammar), but a caller may leave optional ones out: those become
 * null. Then the input is checked against the schema, and a wrong one is refused with what is wrong.
 */
export function toolInput(tool: {readonly name: string; readonly params: ToolObjectSchema | undefined}, input: unknown): Record<string, unknown> {
    const given = input != null && typeof input === "object" && !Array.isArray(input) ? input as Record<string, unknown> : {};
    const complete: Record<string, unknown> = {...given};
    for (const name of Object.keys(tool.params?.properties ?? {}))
        complete[name] ??= null;
    const problem = new ToolCallValidator([{name: tool.name, ...(tool.params != null ? {params: tool.params} : {})}]).check(tool.name, complete);
    if (problem != null)
        throw new ToolError(`Wrong input for ${tool.name}: ${problem}.`);
    return complete;
}
