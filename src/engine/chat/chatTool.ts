/**
 * A function the model can call in a chat. The engine knows nothing about VS Code: the
 * assistant wraps its workspace tools (and other extensions' tools) in this shape.
 */
export interface ChatTool {
    /** Letters, digits, `_` and `-`; no spaces. */
    readonly name: string;
    readonly description: string;
    /** JSON Schema of an object (the subset node-llama-cpp compiles to a grammar); none for no parameters. */
    readonly params?: object;
    /**
     * May be left out when the tool descriptions would crowd the context (tools from other
     * extensions). Default: false.
     */
    readonly optional?: boolean;
    invoke(params: unknown, call: ChatToolCall): Promise<ChatToolOutcome>;
}

export interface ChatToolCall {
    /** Identifies the call in the transcript, so the UI can attach approvals to it. */
    readonly id: string;
    readonly signal: AbortSignal;
}

export interface ChatToolOutcome {
    /** Given back to the model. */
    readonly result: unknown;
    readonly summary?: string;
    /** Default: "done". */
    readonly status?: "done" | "rejected" | "error";
}
