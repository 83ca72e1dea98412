import type {ChatHistoryItem, LlamaChat, LlamaContext, LlamaContextSequence} from "node-llama-cpp";
import type {LoadedModel} from "../loadedModel";
import {chatWrapperFor} from "../guard/safeChatWrapper";
import {loadNodeLlamaCpp} from "../nodeLlamaCpp";
import {promptLookupPredictor} from "../speculative/predictors";
import {SwitchablePredictor} from "../speculative/switchablePredictor";
import {toChatHistory} from "./chatHistory";
import type {ChatTurn} from "./chatTranscript";

/**
 * The chat's own context on a loaded model (completions keep theirs), with what the last reply
 * left in it so the next one reuses the evaluated prefix instead of starting over.
 */
export class ChatModelSession {
    /** The context window node-llama-cpp last evaluated, and its context-shift state. */
    lastContextWindow: ChatHistoryItem[] | undefined;
    lastShiftMetadata: object | null | undefined;
    /** The conversation (as the model sees it) the last context window belongs to. */
    private windowConversation: string | undefined;

    private constructor(
        readonly loaded: LoadedModel,
        private readonly context: LlamaContext,
        readonly sequence: LlamaContextSequence,
        readonly chat: LlamaChat,
        private readonly predictor: SwitchablePredictor | undefined
    ) {}

    /**
     * Prompt lookup for the next reply, or none: a scripted reply's token bias reads the sequence
     * token by token, which guessed tokens would run ahead of.
     */
    guessAhead(on: boolean): void {
        this.predictor?.use(on ? "promptLookup" : "none");
    }

    static async create(loaded: LoadedModel): Promise<ChatModelSession> {
        const {LlamaChat: LlamaChatClass} = await loadNodeLlamaCpp();
        const description = loaded.description;
        const context = await loaded.model.createContext({
            contextSize: description.contextSize,
            threads: description.runtime.threads,
            sequences: 1
        });
        // Assistant edits repeat most of the code they were shown: prompt lookup guesses it (same text).
        const guessing = loaded.speculation != null && loaded.speculation.mode !== "off";
        const predictor = guessing ? new SwitchablePredictor(await promptLookupPredictor(), undefined) : undefined;
        const sequence = context.getSequence(predictor != null ? {tokenPredictor: predictor} : {});
        const chat = new LlamaChatClass({contextSequence: sequence, chatWrapper: await chatWrapperFor(loaded.model, description)});
        return new ChatModelSession(loaded, context, sequence, chat, predictor);
    }

    get supportsTools(): boolean {
        return this.loaded.description.supportsTools;
    }

    /** Whether the chat format can carry several calls at once (and needs `startsNewChunk`). */
    get parallelCalls(): boolean {
        return this.chat.chatWrapper.settings.functions.parallelism != null;
    }

    get disposed(): boolean {
        return this.context.disposed || this.loaded.disposed;
    }

    forgetLastEvaluation(): void {
        this.lastContextWindow = undefined;
        this.lastShiftMetadata = undefined;
        this.windowConversation = undefined;
    }

    rememberWindowFor(turns: readonly ChatTurn[]): void {
        this.windowConversation = conversationKey(turns);
    }

    /**
     * Whether the last context window belongs to this conversation: reusing another chat's
     * window would show the model the wrong conversation.
     */
    windowMatches(turns: readonly ChatTurn[]): boolean {
        return this.lastContextWindow != null && this.windowConversation === conversationKey(turns);
    }

    async dispose(): Promise<void> {
        this.chat.dispose();
        if (!this.context.disposed)
            await this.context.dispose();
    }
}

/** The conversation as the model sees it (notices left out), for comparing. */
function conversationKey(turns: readonly ChatTurn[]): string {
    return JSON.stringify(toChatHistory("", turns));
}
