import type {ChatBackend, ChatModelFacts} from "../engine/chat/chatBackend";
import type {TurnRequest, TurnResult} from "../engine/chat/toolChat";

/**
 * The chat backend the Assistant view is given: the in-process chat, or a server's. Switching
 * (a settings change) stops the running turn and tells the view. A failing server is not replaced
 * by the in-process model mid-conversation: its turn ends with a notice that says what failed.
 */
export class ChatRouter implements ChatBackend {
    private server: ChatBackend | undefined;
    private serverListener: {dispose(): void} | undefined;
    private readonly listeners = new Set<() => void>();
    private readonly localListener: {dispose(): void};

    constructor(private readonly local: ChatBackend) {
        this.localListener = local.onDidChangeModel(() => this.server == null && this.fire());
    }

    private get active(): ChatBackend {
        return this.server ?? this.local;
    }

    get model(): ChatModelFacts | undefined {
        return this.active.model;
    }

    /** Sends the assistant's turns to `server` (undefined: the in-process model). The previous server is disposed. */
    use(server: ChatBackend | undefined): void {
        const previous = this.server;
        this.serverListener?.dispose();
        this.server = server;
        this.serverListener = server?.onDidChangeModel(() => this.fire());
        void previous?.dispose();
        this.fire();
    }

    onDidChangeModel(listener: () => void): {dispose(): void} {
        this.listeners.add(listener);
        return {dispose: () => this.listeners.delete(listener)};
    }

    runTurn(request: TurnRequest): Promise<TurnResult> {
        return this.active.runTurn(request);
    }

    forgetContext(): void {
        this.active.forgetContext();
    }

    async dispose(): Promise<void> {
        this.localListener.dispose();
        this.serverListener?.dispose();
        this.listeners.clear();
        await Promise.all([this.server?.dispose(), this.local.dispose()]);
    }

    private fire(): void {
        for (const listener of this.listeners)
            listener();
    }
}
