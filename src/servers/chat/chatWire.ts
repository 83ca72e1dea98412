import type {ChatModelFacts} from "../../engine/chat/chatBackend";

/** A chat message in a neutral form; each wire turns it into its server's JSON. */
export type WireMessage =
    | {readonly role: "system" | "user"; readonly content: string}
    | {readonly role: "assistant"; readonly content: string; readonly toolCalls?: readonly WireCall[]}
    | {readonly role: "tool"; readonly callId: string; readonly name: string; readonly content: string};

export interface WireCall {
    readonly id: string;
    readonly name: string;
    /** Parsed arguments; a string when the model's arguments were not valid JSON. */
    readonly arguments: unknown;
}

export interface WireTool {
    readonly name: string;
    readonly description: string;
    /** JSON Schema of the arguments object. */
    readonly parameters: object;
}

export interface WireRequest {
    readonly messages: readonly WireMessage[];
    readonly tools: readonly WireTool[];
    readonly temperature: number;
    readonly maxTokens: number;
    /** "required" makes the model call a tool (servers that constrain calls with a grammar, like llama-server). Default: auto. */
    readonly toolChoice?: "auto" | "required";
    /**
     * Test seam, never set in normal use (TurnRequest.script): the reply starts with this text and
     * ends right after it, so a random-weight test model "says" an exact tool call that the
     * server's own template and tool-call parser then handle. Only llama-server honours it.
     */
    readonly prefill?: string;
}

export interface WireReply {
    /** The reply's text (also streamed through `onText`). */
    readonly text: string;
    readonly calls: readonly WireCall[];
    readonly finish: "stop" | "length" | "toolCalls";
}

/** One server's chat API: llama-server and OpenAI-compatible servers share /chat/completions; Ollama has /api/chat. */
export interface ChatWire {
    readonly label: string;
    /** The model's name and whether it takes tools; also the health probe. */
    facts(signal?: AbortSignal): Promise<ChatModelFacts>;
    /** Streams one reply; `onText` gets each piece of text as it arrives. */
    reply(request: WireRequest, onText: (text: string) => void, signal: AbortSignal): Promise<WireReply>;
}
