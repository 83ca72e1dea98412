import type {ToolObjectSchema, ToolScalarType, ToolSchema} from "./toolSchema";

type Json = Record<string, unknown>;

const SCALARS = new Set<ToolScalarType>(["string", "number", "integer", "boolean", "null"]);
const DATE_FORMATS = new Set(["date", "time", "date-time"]);

/**
 * Another extension's tool schema (any JSON Schema) in the subset the grammar supports, or
 * undefined when it cannot be expressed (`$ref`, `allOf`, tuples...). Optional properties
 * become nullable, because the grammar generates every listed property; {@link dropOptionalNulls}
 * removes those nulls again before the tool is called. Keywords the grammar cannot enforce
 * (patterns, numeric ranges) are dropped; the tool still validates its own input.
 */
export function toGrammarSchema(schema: unknown): ToolObjectSchema | null | undefined {
    if (schema == null)
        return null;
    if (!isJson(schema))
        return undefined;
    const converted = convert(schema);
    if (converted == null || !("type" in converted) || converted.type !== "object")
        return undefined;
    return Object.keys(converted.properties).length === 0 && converted.additionalProperties !== true ? null : converted;
}

function convert(schema: Json): ToolSchema | undefined {
    const description = typeof schema.description === "string" ? {description: schema.description} : {};
    if (schema.$ref != null || schema.allOf != null || schema.not != null)
        return undefined;
    if (Array.isArray(schema.enum))
        return {enum: schema.enum.filter(isLiteral), ...description};
    if ("const" in schema && isLiteral(schema.const))
        return {const: schema.const, ...description};
    const options = schema.oneOf ?? schema.anyOf;
    if (Array.isArray(options)) {
        const converted = options.filter(isJson).map(convert);
        return converted.length > 0 && converted.every((c) => c != null) ? {oneOf: converted as ToolSchema[], ...description} : undefined;
    }
    const type = schema.type ?? (isJson(schema.properties) ? "object" : undefined);
    if (type === "object")
        return convertObject(schema, description);
    if (type === "array") {
        if (Array.isArray(schema.items))
            return undefined;
        const items = isJson(schema.items) ? convert(schema.items) : undefined;
        if (isJson(schema.items) && items == null)
            return undefined;
        return {type: "array", ...(items != null ? {items} : {}), ...bounds(schema, "minItems", "maxItems"), ...description};
    }
    if (type === "string")
        return typeof schema.format === "string" && DATE_FORMATS.has(schema.format)
            ? {type: "string", ...description}
            : {type: "string", ...bounds(schema, "minLength", "maxLength"), ...description};
    const types = (Array.isArray(type) ? type : [type]).filter((t): t is ToolScalarType => SCALARS.has(t as ToolScalarType));
    if (types.length === 0)
        return undefined;
    return {type: types.length === 1 ? types[0]! : types, ...description};
}

function convertObject(schema: Json, description: {description?: string}): ToolObjectSchema | undefined {
    const properties = isJson(schema.properties) ? schema.properties : {};
    const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === "string") : []);
    const out: Record<string, ToolSchema> = {};
    for (const [name, value] of Object.entries(properties)) {
        const converted = isJson(value) ? convert(value) : undefined;
        if (converted == null)
            return undefined;
        out[name] = required.has(name) ? converted : nullable(converted);
    }
    const freeForm = Object.keys(out).length === 0 && schema.additionalProperties !== false;
    return {type: "object", properties: out, required: Object.keys(out), additionalProperties: freeForm, ...description};
}

function nullable(schema: ToolSchema): ToolSchema {
    if ("enum" in schema)
        return schema.enum.includes(null) ? schema : {...schema, enum: [...schema.enum, null]};
    if ("type" in schema && (typeof schema.type === "string" || Array.isArray(schema.type))) {
        const types = Array.isArray(schema.type) ? schema.type as ToolScalarType[] : [schema.type as ToolScalarType];
        if (types.every((t) => SCALARS.has(t)) && !("properties" in schema) && !("items" in schema))
            return types.includes("null") ? schema : {...schema, type: [...types, "null"]} as ToolSchema;
    }
    return {oneOf: [schema, {type: "null"}], ...("description" in schema && schema.description != null ? {description: schema.description} : {})};
}

/** The arguments without the nulls that stand for optional properties the model left out. */
export function dropOptionalNulls(value: unknown, schema: unknown): unknown {
    if (!isJson(value) || !isJson(schema) || !isJson(schema.properties))
        return value;
    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    const out: Json = {};
    for (const [key, item] of Object.entries(value)) {
        if (item === null && !required.has(key))
            continue;
        out[key] = dropOptionalNulls(item, (schema.properties as Json)[key]);
    }
    return out;
}

function bounds(schema: Json, min: string, max: string): Record<string, number> {
    const out: Record<string, number> = {};
    if (typeof schema[min] === "number")
        out[min] = schema[min] as number;
    if (typeof schema[max] === "number")
        out[max] = schema[max] as number;
    return out;
}

function isLiteral(value: unknown): value is string | number | boolean | null {
    return value === null || ["string", "number", "boolean"].includes(typeof value);
}

function isJson(value: unknown): value is Json {
    return value != null && typeof value === "object" && !Array.isArray(value);
}
