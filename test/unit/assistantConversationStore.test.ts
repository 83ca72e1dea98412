import {test} from "node:test";
import assert from "node:assert/strict";
import {ConversationStore, MAX_CONVERSATIONS, MAX_STORED_RESULT_CHARS, titleOf, type KeyValueStore} from "../../src/assistant/conversationStore";
import type {ChatTurn} from "../../src/engine/chat/chatTranscript";

function memoryStore(): KeyValueStore & {data: Map<string, unknown>} {
    const data = new Map<string, unknown>();
    return {
        data,
        get: <T>(key: string) => structuredClone(data.get(key)) as T | undefined,
        update: async (key: string, value: unknown) => {
            data.set(key, structuredClone(value));
        }
    };
}

const turns = (question: string): ChatTurn[] => [
    {role: "user", text: question},
    {role: "assistant", parts: [{type: "text", text: "Sure."}]}
];

test("conversations are kept per workspace store, newest first, and the current one comes back", async () => {
    const backing = memoryStore();
    const store = new ConversationStore(backing);
    const first = {...ConversationStore.empty(), turns: turns("first question")};
    const second = {...ConversationStore.empty(), turns: turns("second question")};
    await store.save(first);
    await store.save(second);
    assert.deepEqual(store.list().map((c) => c.title), ["second question", "first question"]);
    assert.equal(new ConversationStore(backing).current().id, second.id, "a reloaded window shows the last chat");
    await store.select(first.id);
    assert.equal(store.current().id, first.id);
    await store.save({...first, turns: [...first.turns, {role: "user", text: "more"}]});
    assert.deepEqual(store.list().map((c) => c.title), ["first question", "second question"], "saving moves a chat to the top");
});

test("an empty chat is not listed, and old chats fall off past the limit", async () => {
    const store = new ConversationStore(memoryStore());
    await store.save(ConversationStore.empty());
    assert.deepEqual(store.list(), []);
    for (let i = 0; i < MAX_CONVERSATIONS + 5; i++)
        await store.save({...ConversationStore.empty(), turns: turns(`q${i}`)});
    assert.equal(store.list().length, MAX_CONVERSATIONS);
    assert.equal(store.list()[0]!.title, `q${MAX_CONVERSATIONS + 4}`);
});

test("long tool results are cut and unfinished calls are stored as cancelled", async () => {
    const store = new ConversationStore(memoryStore());
    const conversation = {...ConversationStore.empty(), turns: [
        {role: "user", text: "read it"},
        {role: "assistant", parts: [
            {type: "toolCall", id: "1", name: "readFile", params: {path: "big.txt"}, status: "done", result: "x".repeat(MAX_STORED_RESULT_CHARS * 2)},
            {type: "toolCall", id: "2", name: "runCommand", params: {command: "npm test"}, status: "awaiting"}
        ]}
    ] as ChatTurn[]};
    await store.save(conversation);
    const [stored] = store.list();
    const parts = (stored!.turns[1] as Extract<ChatTurn, {role: "assistant"}>).parts;
    assert.ok((parts[0] as {result: string}).result.length < MAX_STORED_RESULT_CHARS + 100);
    assert.match((parts[0] as {result: string}).result, /cut when the chat was saved/);
    assert.equal((parts[1] as {status: string}).status, "cancelled");
});

test("titles come from the first message, on one line and short; junk in the store is ignored", () => {
    assert.equal(titleOf([{role: "user", text: "  Why does\nthe build fail?  "}]), "Why does the build fail?");
    assert.equal(titleOf([{role: "user", text: "x".repeat(100)}]).length, 58);
    assert.equal(titleOf([]), "New chat");
    const backing = memoryStore();
    backing.data.set("quantpilot.assistant.conversations", [{id: 1}, "junk", {id: "ok", title: "t", turns: []}]);
    assert.deepEqual(new ConversationStore(backing).list().map((c) => c.id), ["ok"]);
});
