/** Which API a server speaks. */
export type ServerKind = "llamaServer" | "ollama" | "openai";

export const SERVER_KINDS: readonly ServerKind[] = ["llamaServer", "ollama", "openai"];

/** A server the user configured (`quantpilot.servers.endpoints`); the API key is not here but in secret storage. */
export interface ServerEndpoint {
    /** What the user calls it; `quantpilot.completions.backend` and `quantpilot.assistant.backend` name it. */
    readonly name: string;
    readonly kind: ServerKind;
    /** Base URL, e.g. `http://127.0.0.1:8080` (llama-server), `http://127.0.0.1:11434` (Ollama), `https://host/v1` (OpenAI-compatible). */
    readonly url: string;
    /** Model name the server knows (required by Ollama and most OpenAI-compatible servers; llama-server serves one model). */
    readonly model?: string;
}

/** The per-job value that means "the model in this process". */
export const LOCAL_BACKEND = "local";

const KIND_LABELS: Readonly<Record<ServerKind, string>> = {llamaServer: "llama-server", ollama: "Ollama", openai: "OpenAI-compatible"};

export function kindLabel(kind: ServerKind): string {
    return KIND_LABELS[kind];
}

/** "gpu-box (llama-server at http://10.0.0.5:8080)": how messages name a server. Never contains a key. */
export function describeEndpoint(endpoint: ServerEndpoint): string {
    return `${endpoint.name} (${kindLabel(endpoint.kind)} at ${endpoint.url})`;
}

/** The URL with a path appended, keeping the base's own path (`https://host/v1` + `/chat/completions`). */
export function endpointUrl(endpoint: ServerEndpoint, path: string): string {
    return endpoint.url.replace(/\/+$/, "") + path;
}

/** The key secret storage files an endpoint's API key under: name and origin, so an edited URL never receives an old key. */
export function apiKeyId(endpoint: ServerEndpoint): string {
    return `quantpilot.server.apiKey:${endpoint.name}@${new URL(endpoint.url).origin}`;
}

/** True for localhost, 127.0.0.0/8 and ::1: traffic that never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
    const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
    return host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

/** A plain `http:` URL to another machine: code and keys would cross the network unencrypted. */
export function isPlainHttpToAnotherMachine(endpoint: ServerEndpoint): boolean {
    const url = new URL(endpoint.url);
    return url.protocol === "http:" && !isLoopbackHost(url.hostname);
}

/**
 * Why a settings value is not a valid endpoint list, or undefined when it is. One sentence that
 * names the entry, so a typo in settings.json is easy to find.
 */
export function endpointsProblem(raw: unknown): string | undefined {
    if (!Array.isArray(raw))
        return "is not a list of endpoints";
    const names = new Set<string>();
    for (const [i, entry] of raw.entries()) {
        const problem = entryProblem(entry);
        if (problem != null)
            return `has a bad entry ${i + 1}: ${problem}`;
        const name = (entry as ServerEndpoint).name;
        if (names.has(name))
            return `names "${name}" twice`;
        names.add(name);
    }
    return undefined;
}

function entryProblem(entry: unknown): string | undefined {
    if (entry == null || typeof entry !== "object" || Array.isArray(entry))
        return "it is not an object";
    const e = entry as Record<string, unknown>;
    if (typeof e.name !== "string" || !/^[\w.-]{1,64}$/.test(e.name) || e.name === LOCAL_BACKEND)
        return `"name" must be 1-64 letters, digits, "-", "_" or "." (and not "${LOCAL_BACKEND}")`;
    if (typeof e.kind !== "string" || !(SERVER_KINDS as readonly string[]).includes(e.kind))
        return `"kind" must be one of ${SERVER_KINDS.join(", ")}`;
    if (e.model !== undefined && (typeof e.model !== "string" || e.model.trim() === ""))
        return `"model" must be a non-empty text when given`;
    if (e.kind !== "llamaServer" && e.model === undefined)
        return `"model" is needed for ${kindLabel(e.kind as ServerKind)} servers`;
    const extra = Object.keys(e).filter((k) => !["name", "kind", "url", "model"].includes(k));
    if (extra.length > 0)
        return `unknown field "${extra[0]}" (API keys go in secret storage: run QuantPilot: Set or Clear Server API Key…)`;
    return urlProblem(e.url);
}

function urlProblem(url: unknown): string | undefined {
    if (typeof url !== "string")
        return `"url" must be text`;
    let parsed: URL;
    try {
        parsed = new URL(url);
    } catch {
        return `"url" ${JSON.stringify(url)} is not a URL`;
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
        return `"url" must start with http:// or https://`;
    if (parsed.username !== "" || parsed.password !== "")
        return `"url" must not contain a user name or password (API keys go in secret storage)`;
    if (parsed.search !== "" || parsed.hash !== "")
        return `"url" must not have a query or fragment`;
    return undefined;
}
