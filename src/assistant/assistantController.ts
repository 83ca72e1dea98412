import * as vscode from "vscode";
import {assistantSystemPrompt} from "../engine/chat/assistantPrompt";
import type {AssistantTurn, ChatTurn} from "../engine/chat/chatTranscript";
import type {ChatBackend} from "../engine/chat/chatBackend";
import type {TurnEvent} from "../engine/chat/turnEmitter";
import {workspaceRoots} from "../tools/vscode/vscodeToolEnvironment";
import type {Logger} from "../util/logger";
import {ApprovalBroker} from "./approvalBroker";
import type {Config} from "../config";
import {assistantViewState, turnEventView} from "./assistantViews";
import {readAssistantSettings} from "./assistantSettings";
import {TestChatScript} from "./assistantTestHooks";
import {assistantTools, toolsStatus} from "./assistantTools";
import {ChangeReviewer} from "./changeReviewer";
import {ConversationStore, type Conversation} from "./conversationStore";
import {ProposedContentProvider} from "./proposedContent";
import type {AssistantViewState, HostMessage, WebviewMessage} from "./protocol";

/**
 * The assistant's state and actions, apart from the view that shows them: the conversation,
 * the running turn, approvals, history. The view forwards the webview's messages here and
 * posts what this sends back.
 */
export class AssistantController implements vscode.Disposable {
    readonly approvals = new ApprovalBroker();
    readonly reviewer: ChangeReviewer;
    private readonly content = new ProposedContentProvider();
    private readonly store: ConversationStore;
    private readonly testScript = TestChatScript.fromEnvironment();
    private conversation: Conversation;
    private running: {readonly abort: AbortController; readonly turn: AssistantTurn; done?: Promise<void>} | undefined;
    private post: (message: HostMessage) => void = () => undefined;
    private readonly disposables: vscode.Disposable[] = [];

    constructor(
        /** The in-process chat, or a server's (src/servers/chatRouter.ts); this class never knows which. */
        private readonly chat: ChatBackend,
        workspaceState: vscode.Memento,
        private readonly config: Config,
        private readonly log: Logger
    ) {
        this.store = new ConversationStore(workspaceState);
        this.conversation = this.store.current();
        this.reviewer = new ChangeReviewer(this.content, this.approvals);
        const modelListener = chat.onDidChangeModel(() => {
            this.approvals.rejectAll();
            this.pushState();
        });
        this.disposables.push(
            this.content,
            {dispose: () => modelListener.dispose()},
            vscode.workspace.onDidGrantWorkspaceTrust(() => this.pushState())
        );
        const approvalsListener = this.approvals.onDidChange(() => this.post({type: "approvals", approvals: this.approvals.pending}));
        this.disposables.push({dispose: () => approvalsListener.dispose()});
        if (this.testScript != null)
            log.warn("Assistant: QUANTPILOT_TEST_CHAT_SCRIPT is set; chat replies are scripted (test mode).");
    }

    /** Where messages for the webview go (the view sets it when it is resolved). */
    connect(post: (message: HostMessage) => void): void {
        this.post = post;
    }

    async handle(message: WebviewMessage): Promise<void> {
        switch (message.type) {
            case "ready":
                this.pushState();
                return;
            case "send":
                if (this.running == null)
                    await this.send(message.text);
                return;
            case "stop":
                this.running?.abort.abort();
                return;
            case "newChat":
                return this.newChat();
            case "showHistory":
                return this.showHistory();
            case "decide":
                this.approvals.decide(message.callId, message.approve);
                return;
            case "review":
                return this.reviewer.show(message.callId);
            case "copy":
                await vscode.env.clipboard.writeText(message.text);
                vscode.window.setStatusBarMessage("Copied to the clipboard", 2000);
                return;
            case "selectModel":
                await vscode.commands.executeCommand("quantpilot.selectModelFile");
                return;
            default:
                message satisfies never;
        }
    }

    state(): AssistantViewState {
        const model = this.chat.model;
        return assistantViewState({
            conversationId: this.conversation.id,
            turns: this.running != null ? [...this.conversation.turns, this.running.turn] : this.conversation.turns,
            busy: this.running != null,
            model,
            tools: toolsStatus(model),
            approvals: this.approvals.pending
        });
    }

    async newChat(): Promise<void> {
        await this.stopAndWait();
        await this.store.save(this.conversation);
        this.conversation = ConversationStore.empty();
        await this.store.save(this.conversation);
        this.chat.forgetContext();
        this.pushState();
        this.post({type: "focusInput"});
    }

    async showHistory(): Promise<void> {
        const items = this.store.list().map((c) => ({label: c.title, description: new Date(c.updatedAt).toLocaleString(), id: c.id}));
        if (items.length === 0) {
            void vscode.window.showInformationMessage("No earlier chats in this workspace yet.");
            return;
        }
        const picked = await vscode.window.showQuickPick(items, {title: "QuantPilot: Chat History", placeHolder: "Open an earlier chat"});
        if (picked == null)
            return;
        await this.stopAndWait();
        await this.store.save(this.conversation);
        this.conversation = await this.store.select(picked.id) ?? this.conversation;
        this.chat.forgetContext();
        this.pushState();
    }

    private send(text: string): Promise<void> {
        const running = {abort: new AbortController(), turn: {role: "assistant", parts: []} as AssistantTurn, done: undefined as Promise<void> | undefined};
        this.running = running;
        running.done = this.runTurn(text, running).finally(() => {
            this.running = undefined;
            this.pushState();
        });
        return running.done;
    }

    private async runTurn(text: string, running: {readonly abort: AbortController; readonly turn: AssistantTurn}): Promise<void> {
        const settings = readAssistantSettings(this.config);
        const model = this.chat.model;
        const status = toolsStatus(model);
        const tools = status.available ? assistantTools({approvals: this.approvals, reviewer: this.reviewer, log: this.log}, settings) : [];
        const history: ChatTurn[] = [...this.conversation.turns, {role: "user", text}];
        this.conversation = {...this.conversation, turns: history};
        this.pushState();
        const startedAt = performance.now();
        const script = this.testScript?.next();
        const result = await this.chat.runTurn({
            systemPrompt: assistantSystemPrompt({folders: workspaceRoots().map((r) => r.name), tools: status}),
            history,
            tools,
            signal: running.abort.signal,
            onEvent: (event) => this.onTurnEvent(running.turn, event),
            ...(script != null ? {script} : {})
        });
        // Said once per chat; the banner above the chat keeps saying it.
        if (!status.available && model != null && !history.some((turn) => turn.role === "assistant"))
            result.turn.parts.unshift({type: "notice", level: "info", text: `Tools are unavailable: ${status.reason}.`});
        this.log.info(`Assistant: turn ${result.stopReason} in ${Math.round(performance.now() - startedAt)} ms, ` +
            `${result.turn.parts.filter((p) => p.type === "toolCall").length} tool calls`);
        this.conversation = {...this.conversation, turns: [...history, result.turn]};
        await this.store.save(this.conversation).then(undefined, (err: unknown) => this.log.warn(`Assistant: could not save the chat: ${String(err)}`));
    }

    private onTurnEvent(turn: AssistantTurn, event: TurnEvent): void {
        if (event.type === "part") {
            turn.parts[event.index] = structuredClone(event.part);
            if (event.part.type === "toolCall" && event.part.status !== "running")
                this.log.info(`Assistant: ${event.part.name} ${event.part.status}${event.part.summary != null ? `: ${event.part.summary}` : ""}`);
        } else {
            const last = turn.parts[turn.parts.length - 1];
            if (last?.type === "text")
                last.text += event.text;
        }
        this.post({type: "turnEvent", event: turnEventView(event)});
    }

    private async stopAndWait(): Promise<void> {
        this.approvals.rejectAll();
        const running = this.running;
        if (running == null)
            return;
        running.abort.abort();
        await running.done;
    }

    private pushState(): void {
        this.post({type: "state", state: this.state()});
    }

    dispose(): void {
        this.running?.abort.abort();
        this.approvals.rejectAll();
        // The chat belongs to whoever built it (the server jobs), which disposes it.
        for (const d of this.disposables.splice(0).reverse())
            d.dispose();
    }
}
