import {DEFAULT_EXCLUDE, DEFAULT_LANGUAGES} from "../completion/completionDefaults";
import {endpointsProblem, type ServerEndpoint} from "../servers/serverEndpoint";
import {adapterListProblem, type AdapterRequest} from "../engine/lora/adapterRequest";

type Spec =
    | {readonly type: "integer" | "number"; readonly default: number; readonly minimum?: number; readonly maximum?: number; readonly reload?: true}
    | {readonly type: "boolean"; readonly default: boolean; readonly reload?: true}
    | {readonly type: "string"; readonly default: string; readonly enum?: readonly string[]; readonly reload?: true}
    | {readonly type: "array"; readonly items: "endpoint"; readonly default: readonly ServerEndpoint[]}
    | {readonly type: "array"; readonly items: "adapter"; readonly default: readonly AdapterRequest[]}
    | {readonly type: "array"; readonly default: readonly string[]}
    | {readonly type: "object"; readonly default: Readonly<Record<string, boolean>>};

/**
 * Every `quantpilot.*` setting, with the default and bounds package.json declares (a unit test
 * keeps the two equal). `reload`: changing it reloads the model; every other setting applies live.
 */
export const SETTINGS = {
    "modelPath": {type: "string", default: "", reload: true},
    "modelsDir": {type: "string", default: ""},
    "threads": {type: "integer", default: 0, minimum: 0, reload: true},
    "promptThreads": {type: "integer", default: 0, minimum: 0, reload: true},
    "decodeThreads": {type: "integer", default: 0, minimum: 0, reload: true},
    "engine.build": {type: "string", default: "auto", enum: ["auto", "prebuilt"], reload: true},
    "gpu": {type: "string", default: "auto", enum: ["auto", "cpu", "cuda", "vulkan", "metal"], reload: true},
    "contextSize": {type: "integer", default: 4096, minimum: 256, reload: true},
    "speculative.mode": {type: "string", default: "off", enum: ["off", "promptLookup", "draftModel", "auto"], reload: true},
    "speculative.draftModelPath": {type: "string", default: "", reload: true},
    /** Applied live to the loaded model (no reload) and carried to every model loaded next. */
    "lora.adapters": {type: "array", items: "adapter", default: [] as readonly AdapterRequest[]},
    "completions.enabled": {type: "boolean", default: true},
    "completions.maxTokens": {type: "integer", default: 64, minimum: 1, maximum: 1024},
    "completions.maxTimeMs": {type: "integer", default: 2000, minimum: 50},
    "completions.debounceMs": {type: "integer", default: 60, minimum: 0},
    "completions.languages": {type: "object", default: DEFAULT_LANGUAGES},
    "completions.exclude": {type: "array", default: DEFAULT_EXCLUDE},
    "completions.prefetch": {type: "boolean", default: true},
    "completions.contextChunks": {type: "integer", default: 16, minimum: 0},
    "completions.maxPrefixTokens": {type: "integer", default: 1024, minimum: 16},
    "completions.maxSuffixTokens": {type: "integer", default: 256, minimum: 0},
    "completions.maxContextTokens": {type: "integer", default: 1024, minimum: 0},
    "ab.budgetSeconds": {type: "integer", default: 90, minimum: 0},
    "ab.window": {type: "integer", default: 512, minimum: 16, maximum: 8192},
    "ab.extraContextItems": {type: "integer", default: 0, minimum: 0, maximum: 1000},
    "panel.sampleIntervalMs": {type: "integer", default: 1000, minimum: 100},
    "assistant.maxToolRounds": {type: "integer", default: 8, minimum: 1, maximum: 50},
    "assistant.temperature": {type: "number", default: 0.2, minimum: 0, maximum: 2},
    "assistant.maxReplyTokens": {type: "integer", default: 1024, minimum: 16, maximum: 32768},
    "assistant.promptBudgetTokens": {type: "integer", default: 0, minimum: 0},
    "assistant.commandTimeoutSeconds": {type: "integer", default: 300, minimum: 1, maximum: 86400},
    "assistant.otherExtensionTools": {type: "boolean", default: true},
    "completions.backend": {type: "string", default: "local"},
    "assistant.backend": {type: "string", default: "local"},
    "servers.endpoints": {type: "array", items: "endpoint", default: [] as readonly ServerEndpoint[]},
    "servers.completionTimeoutMs": {type: "integer", default: 5000, minimum: 100},
    "servers.chatTimeoutMs": {type: "integer", default: 120000, minimum: 1000}
} as const satisfies Record<string, Spec>;

export type SettingKey = keyof typeof SETTINGS;

type ValueOf<S> =
    S extends {readonly type: "integer" | "number"} ? number :
    S extends {readonly type: "boolean"} ? boolean :
    S extends {readonly type: "string"; readonly enum: readonly (infer E)[]} ? E :
    S extends {readonly type: "string"} ? string :
    S extends {readonly type: "array"; readonly items: "endpoint"} ? readonly ServerEndpoint[] :
    S extends {readonly type: "array"; readonly items: "adapter"} ? readonly AdapterRequest[] :
    S extends {readonly type: "array"} ? readonly string[] :
    Readonly<Record<string, boolean>>;

export type SettingValue<K extends SettingKey> = ValueOf<(typeof SETTINGS)[K]>;

/** The settings whose change reloads the model. */
export const RELOAD_KEYS = (Object.keys(SETTINGS) as SettingKey[]).filter((key) => "reload" in SETTINGS[key]);

export interface CheckedSetting<K extends SettingKey> {
    readonly value: SettingValue<K>;
    /** Why the raw value was not used (the default is used instead); undefined when it was fine. */
    readonly problem?: string;
}

/**
 * The one policy for a setting's value: a valid value is used as it is; anything else (wrong
 * type, out of bounds, not one of the choices) is replaced by the default, with a sentence that
 * says what was wrong and which value is used.
 */
export function checkSetting<K extends SettingKey>(key: K, raw: unknown): CheckedSetting<K> {
    const spec: Spec = SETTINGS[key];
    if (raw === undefined)
        return {value: spec.default as SettingValue<K>};
    const reason = invalidReason(spec, raw);
    if (reason == null)
        return {value: (typeof raw === "string" ? raw.trim() : raw) as SettingValue<K>};
    return {value: spec.default as SettingValue<K>, problem: `${JSON.stringify(raw)} ${reason}; using ${JSON.stringify(spec.default)}`};
}

function invalidReason(spec: Spec, raw: unknown): string | undefined {
    switch (spec.type) {
        case "integer":
        case "number":
            return numberReason(spec, raw);
        case "boolean":
            return typeof raw === "boolean" ? undefined : "is not true or false";
        case "string":
            if (typeof raw !== "string")
                return "is not text";
            return spec.enum == null || spec.enum.includes(raw) ? undefined : `is not one of ${spec.enum.join(", ")}`;
        case "array":
            if ("items" in spec)
                return spec.items === "endpoint" ? endpointsProblem(raw) : adapterListProblem(raw);
            return Array.isArray(raw) && raw.every((item) => typeof item === "string") ? undefined : "is not a list of glob patterns";
        case "object":
            return raw != null && typeof raw === "object" && !Array.isArray(raw) && Object.values(raw).every((v) => typeof v === "boolean")
                ? undefined : "is not an object of true/false values";
    }
}

function numberReason(spec: {readonly type: "integer" | "number"; readonly minimum?: number; readonly maximum?: number}, raw: unknown): string | undefined {
    if (typeof raw !== "number" || !Number.isFinite(raw))
        return "is not a number";
    if (spec.type === "integer" && !Number.isInteger(raw))
        return "is not a whole number";
    if (spec.minimum != null && raw < spec.minimum)
        return `is below the minimum of ${spec.minimum}`;
    if (spec.maximum != null && raw > spec.maximum)
        return `is above the maximum of ${spec.maximum}`;
    return undefined;
}
