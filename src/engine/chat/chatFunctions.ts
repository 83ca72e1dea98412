import type {ChatModelFunctions} from "node-llama-cpp";

export interface FunctionSpec {
    readonly name: string;
    readonly description: string;
    /** JSON Schema of the arguments object; none for no arguments. */
    readonly params?: object;
}

/**
 * Tools as node-llama-cpp's functions. The schemas lose `required` and `additionalProperties:
 * false` on the way: the grammar generates exactly the listed properties anyway, and every
 * word of the schemas is repeated in each prompt, which small contexts feel.
 */
export function toChatFunctions(tools: readonly FunctionSpec[]): ChatModelFunctions {
    return Object.fromEntries(tools.map((tool) => [tool.name, {
        description: tool.description,
        ...(tool.params != null ? {params: promptSchema(tool.params)} : {})
    }])) as ChatModelFunctions;
}

function promptSchema(schema: unknown): unknown {
    if (Array.isArray(schema))
        return schema.map(promptSchema);
    if (schema == null || typeof schema !== "object")
        return schema;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(schema)) {
        if (key === "required" || (key === "additionalProperties" && value === false))
            continue;
        out[key] = key === "properties" && value != null && typeof value === "object"
            ? Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, promptSchema(sub)]))
            : promptSchema(value);
    }
    return out;
}
