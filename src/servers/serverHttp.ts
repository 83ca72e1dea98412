import {createParser} from "eventsource-parser";
import {abortError, anySignal} from "../util/abort";
import {Deadline} from "./deadline";
import {describeEndpoint, endpointUrl, type ServerEndpoint} from "./serverEndpoint";
import {ServerAuthError, ServerHttpError, ServerResponseError, ServerTimeoutError, ServerUnreachableError} from "./serverErrors";

export interface HttpOptions {
    readonly signal?: AbortSignal;
    /** A plain request: its whole budget. A stream: the wait for its first part and then between parts. */
    readonly timeoutMs: number;
}

/** Server-sent events (llama-server, OpenAI) or one JSON object per line (Ollama). */
export type StreamFormat = "sse" | "ndjson";

/** One part of a streamed answer: a JSON value, or the `[DONE]` an OpenAI stream ends with. */
export type StreamItem = {readonly kind: "data"; readonly value: unknown} | {readonly kind: "done"};

/** Where a server's API key comes from (secret storage in the editor); undefined when none is set. */
export type ApiKeySource = () => Promise<string | undefined>;

const ERROR_BODY_CHARS = 300;

/**
 * HTTP to one server, with the failures turned into the named errors of serverErrors.ts: every
 * request has a time budget, the API key goes in the Authorization header and nowhere else (no
 * message or log line ever contains it), and a stream that stops before its last part says so.
 */
export class ServerHttp {
    readonly label: string;

    constructor(
        readonly endpoint: ServerEndpoint,
        private readonly apiKey: ApiKeySource = async () => undefined,
        private readonly fetchImpl: typeof fetch = fetch
    ) {
        this.label = describeEndpoint(endpoint);
    }

    async getJson(path: string, options: HttpOptions): Promise<unknown> {
        return this.parse(await this.text("GET", path, undefined, options));
    }

    getText(path: string, options: HttpOptions): Promise<string> {
        return this.text("GET", path, undefined, options);
    }

    async postJson(path: string, body: unknown, options: HttpOptions): Promise<unknown> {
        return this.parse(await this.text("POST", path, body, options));
    }

    /**
     * POSTs and yields the answer's parts as they arrive. Stopping the iteration early (a `break`)
     * closes the connection, which makes llama-server, Ollama and vLLM stop generating. An error part
     * (`{"error": ...}`) becomes a ServerHttpError.
     */
    async *stream(path: string, body: unknown, options: HttpOptions & {readonly format: StreamFormat}): AsyncGenerator<StreamItem> {
        const deadline = new Deadline(options.timeoutMs);
        const stop = new AbortController();
        const signal = anySignal([options.signal, stop.signal]);
        try {
            const response = await this.send("POST", path, body, signal, deadline);
            deadline.reset();
            const items: StreamItem[] = [];
            const push = (data: string) => items.push(data.trim() === "[DONE]" ? {kind: "done"} : {kind: "data", value: this.errorChecked(this.parse(data), path)});
            const feed = options.format === "sse" ? sseFeed(push) : ndjsonFeed(push);
            const decoder = new TextDecoder();
            try {
                for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
                    deadline.reset();
                    feed(decoder.decode(chunk, {stream: true}));
                    yield* items.splice(0);
                }
            } catch (err) {
                throw this.failure(err, options.signal, deadline, "next part of its answer", "the answer stopped midway (the connection closed)");
            }
            feed(decoder.decode() + "\n");
            yield* items.splice(0);
        } finally {
            deadline.clear();
            stop.abort();
        }
    }

    /** The error for a stream that ended cleanly but without its last part. */
    streamCut(): ServerResponseError {
        return new ServerResponseError(this.label, "the answer stopped midway, before its last part");
    }

    private async text(method: "GET" | "POST", path: string, body: unknown, options: HttpOptions): Promise<string> {
        const deadline = new Deadline(options.timeoutMs);
        try {
            const response = await this.send(method, path, body, options.signal, deadline);
            return await response.text().catch((err: unknown) => {
                throw this.failure(err, options.signal, deadline, "answer", "the answer stopped midway (the connection closed)");
            });
        } finally {
            deadline.clear();
        }
    }

    private async send(method: "GET" | "POST", path: string, body: unknown, signal: AbortSignal | undefined, deadline: Deadline): Promise<Response> {
        const key = await this.apiKey();
        let response: Response;
        try {
            response = await this.fetchImpl(endpointUrl(this.endpoint, path), {
                method,
                headers: {
                    Accept: "application/json, text/event-stream, application/x-ndjson, text/plain",
                    ...(body !== undefined ? {"Content-Type": "application/json"} : {}),
                    ...(key != null && key !== "" ? {Authorization: `Bearer ${key}`} : {})
                },
                ...(body !== undefined ? {body: JSON.stringify(body)} : {}),
                signal: anySignal([signal, deadline.signal])
            });
        } catch (err) {
            throw this.failure(err, signal, deadline, "answer");
        }
        if (!response.ok)
            throw await this.httpError(response, path, key != null && key !== "", deadline);
        return response;
    }

    /** A cancellation stays a cancellation; a spent budget is a timeout; anything else is the network. */
    private failure(err: unknown, signal: AbortSignal | undefined, deadline: Deadline, what: "answer" | "next part of its answer", midway?: string): Error {
        if (signal?.aborted === true)
            return abortError();
        if (deadline.expired)
            return new ServerTimeoutError(this.label, deadline.budgetMs, what);
        if (midway != null)
            return new ServerResponseError(this.label, midway);
        return new ServerUnreachableError(this.label, networkProblem(err));
    }

    private async httpError(response: Response, path: string, hasKey: boolean, deadline: Deadline): Promise<Error> {
        const body = await response.text().catch(() => "");
        deadline.clear();
        const detail = errorDetail(body);
        if (response.status === 401 || response.status === 403)
            return new ServerAuthError(this.label, response.status, path, detail, hasKey);
        return new ServerHttpError(this.label, response.status, path, detail);
    }

    private parse(text: string): unknown {
        try {
            return JSON.parse(text) as unknown;
        } catch {
            const start = text.trim().slice(0, 60);
            throw new ServerResponseError(this.label, start === "" ? "the answer was empty" : `the answer is not JSON (it starts with ${JSON.stringify(start)})`);
        }
    }

    /** llama-server, OpenAI and Ollama all report a failure inside a stream as `{"error": ...}`. */
    private errorChecked(value: unknown, path: string): unknown {
        if (value != null && typeof value === "object" && "error" in value && (value as {error: unknown}).error != null)
            throw new ServerHttpError(this.label, 500, path, errorDetail(JSON.stringify(value)));
        return value;
    }
}

function sseFeed(push: (data: string) => void): (text: string) => void {
    const parser = createParser({onEvent: (event) => push(event.data)});
    return (text) => parser.feed(text);
}

function ndjsonFeed(push: (data: string) => void): (text: string) => void {
    let buffered = "";
    return (text) => {
        buffered += text;
        const lines = buffered.split("\n");
        buffered = lines.pop() ?? "";
        for (const line of lines)
            if (line.trim() !== "")
                push(line);
    };
}

/** The server's own words from an error body: `{"error": {"message"}}`, `{"error": "..."}`, `{"message"}` or text. */
export function errorDetail(body: string): string {
    try {
        const parsed = JSON.parse(body) as {error?: unknown; message?: unknown; detail?: unknown};
        const error = parsed.error;
        const message = typeof error === "string" ? error
            : error != null && typeof error === "object" && typeof (error as {message?: unknown}).message === "string" ? (error as {message: string}).message
                : typeof parsed.message === "string" ? parsed.message
                    : typeof parsed.detail === "string" ? parsed.detail : undefined;
        if (message != null)
            return clip(message);
    } catch {
        // Not JSON: the text itself says what happened.
    }
    return clip(body.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim());
}

function clip(text: string): string {
    return text.length > ERROR_BODY_CHARS ? `${text.slice(0, ERROR_BODY_CHARS)}…` : text;
}

/** What the network said, in words: fetch wraps the system error as its `cause`. */
function networkProblem(err: unknown): string {
    const cause = (err as {cause?: {code?: unknown; message?: unknown}} | undefined)?.cause;
    const code = typeof cause?.code === "string" ? cause.code : undefined;
    switch (code) {
        case "ECONNREFUSED": return "the connection was refused";
        case "ENOTFOUND":
        case "EAI_AGAIN": return "the host name was not found";
        case "ECONNRESET": return "the connection was reset";
        case "EHOSTUNREACH":
        case "ENETUNREACH": return "there is no route to the host";
        case "ETIMEDOUT": return "the connection timed out";
    }
    if (code?.includes("CERT") === true || code?.startsWith("ERR_TLS") === true)
        return `its TLS certificate was not accepted (${code})`;
    const message = typeof cause?.message === "string" ? cause.message : err instanceof Error ? err.message : String(err);
    return message;
}

