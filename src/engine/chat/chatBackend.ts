import type {TurnRequest, TurnResult} from "./toolChat";

/** What the assistant shows and decides on about the model that chats: its name, chat format and tool support. */
export interface ChatModelFacts {
    readonly fileName: string;
    /** The chat format ("Qwen", "Llama3_1") in-process; the kind of server otherwise. */
    readonly chatWrapper: string;
    readonly supportsTools: boolean;
}

/**
 * What runs the assistant's turns: the in-process model (`LocalChatBackend`, around `ToolChat`) or
 * a server (src/servers/chat). The Assistant view never knows which.
 */
export interface ChatBackend {
    /** The model that answers; undefined when there is none. */
    readonly model: ChatModelFacts | undefined;
    /** The model (or the server serving the chat) changed; the running turn has been stopped. */
    onDidChangeModel(listener: () => void): {dispose(): void};
    /** One turn: replies and tool calls until the model answers without a call. Never throws: failures end the turn with a notice. */
    runTurn(request: TurnRequest): Promise<TurnResult>;
    /** A new or different conversation follows: what the last one left in a cache is not reused. */
    forgetContext(): void;
    dispose(): Promise<void>;
}
