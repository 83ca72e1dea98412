import type {WebviewMessage} from "./protocol";

export type ParsedMessage =
    | {readonly ok: true; readonly message: WebviewMessage}
    | {readonly ok: false; readonly reason: string};

type Validators = {
    readonly [K in WebviewMessage["type"]]: (raw: Record<string, unknown>) => Extract<WebviewMessage, {type: K}> | string;
};

/** A/B history ids are file names the host made: letters, digits, dots, dashes, underscores. */
const AB_ID = /^[\w.-]{1,200}$/;

/** Longest path accepted from the webview; real paths are far shorter. */
const MAX_PATH_LENGTH = 4096;

/**
 * One validator per message type: a type added to the protocol fails to compile here until it
 * has one. Each returns the clean message (only the known fields) or why it was refused.
 */
const VALIDATORS: Validators = {
    ready: () => ({type: "ready"}),
    switchModel: (raw) => {
        const path = raw.path;
        if (typeof path !== "string" || path.length === 0 || path.length > MAX_PATH_LENGTH || path.includes("\0"))
            return "switchModel needs a non-empty path";
        return {type: "switchModel", path};
    },
    quantize: () => ({type: "quantize"}),
    refreshVariants: () => ({type: "refreshVariants"}),
    openSettings: () => ({type: "openSettings"}),
    showLog: () => ({type: "showLog"}),
    abCompare: () => ({type: "abCompare"}),
    abCancel: () => ({type: "abCancel"}),
    abSelect: (raw) => typeof raw.id === "string" && AB_ID.test(raw.id) ? {type: "abSelect", id: raw.id} : "abSelect needs a history id",
    abExport: (raw) => typeof raw.id !== "string" || !AB_ID.test(raw.id) ? "abExport needs a history id"
        : raw.format === "json" || raw.format === "markdown" ? {type: "abExport", id: raw.id, format: raw.format} : "abExport format must be json or markdown",
    switchQuantization: () => ({type: "switchQuantization"}),
    openServerSettings: () => ({type: "openServerSettings"})
};

/**
 * Checks a message from the webview before the host acts on it. The webview runs our own
 * script, but its content is untrusted input all the same: anything malformed is refused with
 * a reason the host logs, never acted on.
 */
export function parseWebviewMessage(raw: unknown): ParsedMessage {
    if (raw == null || typeof raw !== "object" || Array.isArray(raw))
        return {ok: false, reason: `expected an object, got ${describe(raw)}`};
    const record = raw as Record<string, unknown>;
    const type = record.type;
    if (typeof type !== "string" || !Object.hasOwn(VALIDATORS, type))
        return {ok: false, reason: `unknown message type ${describe(type)}`};
    const result = VALIDATORS[type as WebviewMessage["type"]](record);
    return typeof result === "string" ? {ok: false, reason: result} : {ok: true, message: result};
}

function describe(value: unknown): string {
    if (value === null)
        return "null";
    if (Array.isArray(value))
        return "an array";
    if (typeof value === "string")
        return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    return typeof value;
}
