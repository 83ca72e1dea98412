import type {ModelDescription} from "../modelDescription";
import type {ChatBackend, ChatModelFacts} from "./chatBackend";
import {ToolChat, type ChatModelSource, type ToolChatOptions, type TurnRequest, type TurnResult} from "./toolChat";

/** The in-process model and its change events (LocalEngine). */
export interface LocalChatSource extends ChatModelSource {
    readonly model: ModelDescription | undefined;
}

/** The assistant's chat on the in-process model: ToolChat as it is, behind the ChatBackend interface. */
export class LocalChatBackend implements ChatBackend {
    private readonly chat: ToolChat;

    constructor(private readonly source: LocalChatSource, options: ToolChatOptions | (() => ToolChatOptions) = {}) {
        this.chat = new ToolChat(source, options);
    }

    get model(): ChatModelFacts | undefined {
        return this.source.model;
    }

    onDidChangeModel(listener: () => void): {dispose(): void} {
        return this.source.onDidChangeModel(listener);
    }

    runTurn(request: TurnRequest): Promise<TurnResult> {
        return this.chat.runTurn(request);
    }

    forgetContext(): void {
        this.chat.forgetContext();
    }

    dispose(): Promise<void> {
        return this.chat.dispose();
    }
}
