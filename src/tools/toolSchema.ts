/**
 * The JSON Schema subset tool parameters are written in: what node-llama-cpp turns into a grammar
 * (so every call the model makes parses and matches) and what standard validators read. Every
 * listed property is generated, so optional parameters are nullable rather than left out.
 */
export type ToolSchema =
    | {readonly type: ToolScalarType | readonly ToolScalarType[]; readonly description?: string}
    | {readonly type: "string"; readonly description?: string; readonly minLength?: number; readonly maxLength?: number}
    | {readonly enum: readonly (string | number | boolean | null)[]; readonly description?: string}
    | {readonly const: string | number | boolean | null; readonly description?: string}
    | {readonly oneOf: readonly ToolSchema[]; readonly description?: string}
    | {readonly type: "array"; readonly items?: ToolSchema; readonly minItems?: number; readonly maxItems?: number; readonly description?: string}
    | ToolObjectSchema;

export type ToolScalarType = "string" | "number" | "integer" | "boolean" | "null";

export interface ToolObjectSchema {
    readonly type: "object";
    readonly properties: {readonly [name: string]: ToolSchema};
    readonly required?: readonly string[];
    /** `true` only for free-form objects without listed properties (any JSON object). */
    readonly additionalProperties?: boolean;
    readonly description?: string;
}

/** An object schema whose properties are all required, as the grammar generates them anyway. */
export function objectSchema(properties: {readonly [name: string]: ToolSchema}): ToolObjectSchema {
    return {type: "object", properties, required: Object.keys(properties), additionalProperties: false};
}
