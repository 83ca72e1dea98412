/** A message from a webview after the host checked it: the clean message, or why it was refused. */
export type ParsedMessage<M> =
    | {readonly ok: true; readonly message: M}
    | {readonly ok: false; readonly reason: string};

/**
 * One validator per message type of a protocol: a type added to the protocol fails to compile
 * until it has one. Each returns the clean message (only the known fields) or why it was refused.
 */
export type MessageValidators<M extends {readonly type: string}> = {
    readonly [K in M["type"]]: (raw: Readonly<Record<string, unknown>>) => Extract<M, {readonly type: K}> | string;
};

/**
 * The check every webview message goes through before a host acts on it (the panel's and the
 * assistant's alike). The webview runs our own script, but what it posts is untrusted input all
 * the same: anything malformed is refused with a reason the host logs, never acted on.
 */
export function messageParser<M extends {readonly type: string}>(validators: MessageValidators<M>): (raw: unknown) => ParsedMessage<M> {
    return (raw) => {
        if (raw == null || typeof raw !== "object" || Array.isArray(raw))
            return {ok: false, reason: `expected an object, got ${describe(raw)}`};
        const record = raw as Record<string, unknown>;
        const type = record.type;
        if (typeof type !== "string" || !Object.hasOwn(validators, type))
            return {ok: false, reason: `unknown message type ${describe(type)}`};
        const result = validators[type as M["type"]](record);
        return typeof result === "string" ? {ok: false, reason: result} : {ok: true, message: result};
    };
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
