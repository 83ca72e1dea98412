import {ModelNotCapableError} from "../engine/errors";

/**
 * Errors talking to a server. Each message names the server (never its API key) and says what
 * went wrong and what to do, in words for the person at the editor.
 */
export class ServerError extends Error {
    override readonly name: string = "ServerError";
    /** True when trying again later may work (the completion router then checks the server's health). */
    readonly transient: boolean = true;
}

export class ServerUnreachableError extends ServerError {
    override readonly name = "ServerUnreachableError";
    constructor(server: string, cause: string) {
        super(`Cannot reach ${server}: ${cause}. Is the server running, and is the URL right?`);
    }
}

export class ServerTimeoutError extends ServerError {
    override readonly name = "ServerTimeoutError";
    constructor(server: string, readonly timeoutMs: number, what: "answer" | "next part of its answer") {
        super(`${server} sent no ${what} within ${timeoutMs} ms; the request was given up.`);
    }
}

export class ServerHttpError extends ServerError {
    override readonly name: string = "ServerHttpError";
    constructor(server: string, readonly status: number, path: string, detail: string) {
        super(`${server} answered ${status} to ${path}${detail !== "" ? `: ${detail}` : ""}`);
    }
}

/** 401/403: the server wants a (different) key. Not transient: retrying sends the same key. */
export class ServerAuthError extends ServerHttpError {
    override readonly name = "ServerAuthError";
    override readonly transient = false;
    constructor(server: string, status: number, path: string, detail: string, hasKey: boolean) {
        super(server, status, path, `${detail !== "" ? `${detail}. ` : ""}` +
            (hasKey ? "The API key was refused: set the right one" : "It needs an API key: set one") +
            " with QuantPilot: Set or Clear Server API Key…");
    }
}

/** The answer was not what the API promises: not JSON, the wrong shape, or a stream that stopped midway. */
export class ServerResponseError extends ServerError {
    override readonly name = "ServerResponseError";
    constructor(server: string, problem: string) {
        super(`${server} sent an answer QuantPilot cannot use: ${problem}.`);
    }
}

/** The server or its model cannot do this job (no fill-in-the-middle, no tools). Retrying does not help. */
export class ServerNotCapableError extends ModelNotCapableError {
    override readonly name = "ModelNotCapableError" as const;
    readonly transient = false;
}

/** A failure the server had (or its absence), as opposed to a cancellation or a bug of ours. */
export function isServerFailure(err: unknown): err is ServerError | ServerNotCapableError {
    return err instanceof ServerError || err instanceof ServerNotCapableError;
}
