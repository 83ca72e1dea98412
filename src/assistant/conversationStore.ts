import {randomUUID} from "node:crypto";
import type {ChatTurn} from "../engine/chat/chatTranscript";

/** What conversations are kept in: VS Code's workspace state (`ExtensionContext.workspaceState`) satisfies it. */
export interface KeyValueStore {
    get<T>(key: string): T | undefined;
    update(key: string, value: unknown): Thenable<void>;
}

export interface Conversation {
    readonly id: string;
    readonly title: string;
    readonly updatedAt: number;
    readonly turns: readonly ChatTurn[];
}

const KEY = "quantpilot.assistant.conversations";
const CURRENT_KEY = "quantpilot.assistant.currentConversation";
/** Conversations kept per workspace; the oldest go first. */
export const MAX_CONVERSATIONS = 30;
/** Tool results longer than this are cut when stored, so the workspace state stays small. */
export const MAX_STORED_RESULT_CHARS = 4000;

/** The chat history of one workspace, newest first. */
export class ConversationStore {
    constructor(private readonly store: KeyValueStore) {}

    list(): Conversation[] {
        const value = this.store.get<unknown>(KEY);
        return Array.isArray(value) ? value.filter(isConversation) : [];
    }

    /** The conversation the view showed last, or a new empty one. */
    current(): Conversation {
        const id = this.store.get<string>(CURRENT_KEY);
        return this.list().find((c) => c.id === id) ?? ConversationStore.empty();
    }

    static empty(): Conversation {
        return {id: randomUUID(), title: "New chat", updatedAt: Date.now(), turns: []};
    }

    async save(conversation: Conversation): Promise<void> {
        if (conversation.turns.length === 0) {
            await this.store.update(CURRENT_KEY, conversation.id);
            return;
        }
        const stored: Conversation = {
            id: conversation.id,
            title: titleOf(conversation.turns),
            updatedAt: Date.now(),
            turns: conversation.turns.map(compactTurn)
        };
        const others = this.list().filter((c) => c.id !== conversation.id);
        await this.store.update(KEY, [stored, ...others].slice(0, MAX_CONVERSATIONS));
        await this.store.update(CURRENT_KEY, conversation.id);
    }

    async select(id: string): Promise<Conversation | undefined> {
        const found = this.list().find((c) => c.id === id);
        if (found != null)
            await this.store.update(CURRENT_KEY, id);
        return found;
    }
}

/** The first user message, on one line and short: how the history list names a chat. */
export function titleOf(turns: readonly ChatTurn[]): string {
    const first = turns.find((t) => t.role === "user");
    const text = first?.role === "user" ? first.text.replace(/\s+/g, " ").trim() : "";
    return text === "" ? "New chat" : text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** A turn as stored: long results cut, and calls still running stored as cancelled (a reloaded window cannot finish them). */
function compactTurn(turn: ChatTurn): ChatTurn {
    if (turn.role === "user")
        return turn;
    return {
        role: "assistant",
        parts: turn.parts.map((part) => {
            if (part.type !== "toolCall" || typeof part.result !== "string" || part.result.length <= MAX_STORED_RESULT_CHARS)
                return part;
            return {...part, result: `${part.result.slice(0, MAX_STORED_RESULT_CHARS)}\n[cut when the chat was saved]`};
        }).map((part) => part.type === "toolCall" && (part.status === "running" || part.status === "awaiting")
            ? {...part, status: "cancelled" as const, result: part.result ?? "Cancelled: the chat was closed before this call finished."}
            : part)
    };
}

function isConversation(value: unknown): value is Conversation {
    const c = value as Partial<Conversation> | null;
    return c != null && typeof c.id === "string" && typeof c.title === "string" && Array.isArray(c.turns);
}
