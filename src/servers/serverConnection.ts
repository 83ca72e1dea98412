import type {CompletionBackend} from "../completion/completionRequest";
import {kindLabel, type ServerEndpoint} from "./serverEndpoint";
import {ServerHttp, type ApiKeySource} from "./serverHttp";
import {LlamaServerCompleter} from "./llamaServer/llamaServerCompleter";
import {readLlamaServerFacts, readLlamaServerFigures} from "./llamaServer/llamaServerFacts";
import {ServerCompleter} from "./serverCompleter";
import {OLLAMA_FIM} from "./ollama/ollamaProtocol";
import {OPENAI_FIM} from "./openai/openAiProtocol";
import {ServerChat, type ServerChatOptions} from "./chat/serverChat";
import {OpenAiChatWire} from "./chat/openAiChatWire";
import {OllamaChatWire} from "./chat/ollamaChatWire";
import type {ChatWire} from "./chat/chatWire";
import type {ServerCompletions} from "./completionRouter";
import {NO_FIGURES, type ServerFigures} from "./serverFigures";
import type {ServerModelFacts} from "./serverModel";
import {stringField} from "./serverSuggestion";

/** Time budgets, read per request so settings apply live. */
export interface ServerTimeouts {
    /** A completion (and a health check) that has not finished within this many ms is given up. */
    readonly completionMs: number;
    /** A chat reply that sends nothing new for this many ms is given up. */
    readonly chatMs: number;
}

/**
 * One configured server, with what QuantPilot does on it: completions (a CompletionBackend with
 * its health probe), the assistant's chat (a ChatBackend) and the panel's live figures. What the
 * server can do depends on its kind; what it cannot do says so in its own words.
 */
export class ServerConnection {
    readonly http: ServerHttp;
    readonly completions: ServerCompletions & {readonly backend: CompletionBackend & {refresh(signal?: AbortSignal): Promise<ServerModelFacts>}};

    constructor(
        readonly endpoint: ServerEndpoint,
        apiKey: ApiKeySource,
        private readonly timeouts: () => ServerTimeouts,
        fetchImpl: typeof fetch = fetch
    ) {
        this.http = new ServerHttp(endpoint, apiKey, fetchImpl);
        const settings = () => ({timeoutMs: this.timeouts().completionMs});
        const backend = endpoint.kind === "llamaServer" ? new LlamaServerCompleter(this.http, settings)
            : new ServerCompleter(this.http, endpoint.kind === "ollama" ? OLLAMA_FIM : OPENAI_FIM, settings);
        this.completions = {label: this.http.label, backend, probe: (signal) => backend.refresh(signal)};
    }

    /** A chat on this server with the assistant's options (read per turn). */
    chat(options: () => ServerChatOptions): ServerChat {
        return new ServerChat(this.chatWire(), this.endpoint.model ?? `${this.endpoint.name} model`, options);
    }

    /** The server's throughput, KV use and busy slots, where its API tells them. */
    figures(signal?: AbortSignal): Promise<ServerFigures> {
        const options = {...(signal != null ? {signal} : {}), timeoutMs: this.timeouts().completionMs};
        if (this.endpoint.kind === "llamaServer")
            return readLlamaServerFigures(this.http, options);
        return Promise.resolve({...NO_FIGURES, note: `${kindLabel(this.endpoint.kind)} servers do not report throughput or KV use.`});
    }

    /** Whether this kind of server can switch the model's quantization from the editor, and why not. */
    quantizationSwitch(): {readonly available: false; readonly reason: string} {
        switch (this.endpoint.kind) {
            case "llamaServer":
                return {available: false, reason: "llama-server serves the GGUF file it was started with: restart it with another quantization."};
            case "ollama":
                return {available: false, reason: "Ollama serves the tag in the endpoint's \"model\": pull another quantization's tag and put it there."};
            case "openai":
                return {available: false, reason: "The server decides which weights it serves."};
        }
    }

    /** The id of the template's end-of-turn token (`<|im_end|>` for ChatML), for the chat's test seam. */
    private async endOfTurnToken(signal: AbortSignal): Promise<number | undefined> {
        const options = {signal, timeoutMs: this.timeouts().completionMs};
        const template = stringField(await this.http.getJson("/props", options), "chat_template") ?? "";
        const end = template.includes("<|im_end|>") ? "<|im_end|>" : template.includes("<|eot_id|>") ? "<|eot_id|>" : undefined;
        if (end == null)
            return undefined;
        const tokens = (await this.http.postJson("/tokenize", {content: end, parse_special: true}, options) as {tokens?: unknown}).tokens;
        return Array.isArray(tokens) && tokens.length === 1 && typeof tokens[0] === "number" ? tokens[0] : undefined;
    }

    private chatWire(): ChatWire {
        const timeoutMs = () => this.timeouts().chatMs;
        switch (this.endpoint.kind) {
            case "llamaServer":
                return new OpenAiChatWire(this.http, "/v1/chat/completions", async (signal) => {
                    const facts = await readLlamaServerFacts(this.http, {...(signal != null ? {signal} : {}), timeoutMs: this.timeouts().completionMs});
                    return {fileName: facts.name, chatWrapper: kindLabel("llamaServer"), supportsTools: facts.supportsTools};
                }, timeoutMs, (signal) => this.endOfTurnToken(signal));
            case "ollama":
                return new OllamaChatWire(this.http, timeoutMs);
            case "openai":
                return new OpenAiChatWire(this.http, "/chat/completions", async (signal) => {
                    const facts = await this.completions.backend.refresh(signal);
                    return {fileName: facts.name, chatWrapper: kindLabel("openai"), supportsTools: facts.supportsTools};
                }, timeoutMs);
        }
    }
}
