import {test} from "node:test";
import assert from "node:assert/strict";
import {existsSync} from "node:fs";
import {readFile, realpath, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {ApprovalBroker} from "../../src/assistant/approvalBroker";
import {lineChangeCount} from "../../src/assistant/lineChangeCount";
import {createFileTool} from "../../src/tools/createFileTool";
import {editFileTool} from "../../src/tools/editFileTool";
import {NodeToolEnvironment} from "../../src/tools/nodeToolEnvironment";
import {WorkspacePaths} from "../../src/tools/workspacePaths";
import {tempDir} from "../helpers/tempDir";

/**
 * The diff-accept flow as the assistant wires it: a change tool proposes, the broker holds the
 * decision (the chat shows Accept/Reject on the call), and the file is written only on accept.
 */
async function reviewFlow(): Promise<{root: string; broker: ApprovalBroker; env: (signal?: AbortSignal) => NodeToolEnvironment}> {
    const root = await realpath(tempDir("review"));
    await writeFile(join(root, "config.json"), "{\n  \"debug\": false\n}\n");
    const broker = new ApprovalBroker();
    const paths = new WorkspacePaths([{name: "ws", path: root}]);
    const env = (signal = new AbortController().signal) => new NodeToolEnvironment({
        paths,
        signal,
        decideChange: async (change) => {
            const {added, removed} = lineChangeCount(change.before, change.after);
            const approved = await broker.request({callId: "call-1", kind: "change", path: change.displayPath, isNew: change.before == null, added, removed}, signal);
            return approved ? "accepted" : "rejected";
        }
    });
    return {root, broker, env};
}

/** Resolves when the broker's pending list next changes (a request arrived). */
function asked(broker: ApprovalBroker): Promise<void> {
    return new Promise((resolve) => {
        const listener = broker.onDidChange(() => {
            listener.dispose();
            resolve();
        });
    });
}

test("an edit waits for the user, writes nothing meanwhile, and is written when accepted", async () => {
    const {root, broker, env} = await reviewFlow();
    const request = asked(broker);
    const running = editFileTool.run({path: "config.json", find: "\"debug\": false", replace: "\"debug\": true"}, env());
    await request;
    assert.deepEqual(broker.pending, [{callId: "call-1", kind: "change", path: "config.json", isNew: false, added: 1, removed: 1}]);
    assert.match(await readFile(join(root, "config.json"), "utf8"), /false/, "nothing written before the decision");
    assert.ok(broker.decide("call-1", true));
    assert.equal((await running).result, "Edited config.json.");
    assert.equal(await readFile(join(root, "config.json"), "utf8"), "{\n  \"debug\": true\n}\n");
    assert.deepEqual(broker.pending, []);
    assert.equal(broker.decide("call-1", true), false, "a decision counts once");
});

test("a rejected change leaves the disk alone and tells the model", async () => {
    const {root, broker, env} = await reviewFlow();
    const request = asked(broker);
    const running = createFileTool.run({path: "notes/todo.md", content: "# TODO\n"}, env());
    await request;
    assert.equal(broker.pending[0]?.kind, "change");
    broker.decide("call-1", false);
    const out = await running;
    assert.equal(out.status, "rejected");
    assert.equal(out.result, "The user rejected creating notes/todo.md; nothing was written.");
    assert.equal(existsSync(join(root, "notes")), false);
});

test("a stop while a change waits rejects it: nothing is written", async () => {
    const {root, broker, env} = await reviewFlow();
    const stop = new AbortController();
    const request = asked(broker);
    const running = editFileTool.run({path: "config.json", find: "false", replace: "true"}, env(stop.signal));
    await request;
    assert.equal(broker.pending.length, 1);
    stop.abort();
    assert.equal((await running).status, "rejected");
    assert.deepEqual(broker.pending, []);
    assert.match(await readFile(join(root, "config.json"), "utf8"), /false/);
});

test("clearing the chat turns every waiting request down, and listeners hear about each change", async () => {
    const broker = new ApprovalBroker();
    let changes = 0;
    broker.onDidChange(() => changes++);
    const signal = new AbortController().signal;
    const a = broker.request({callId: "a", kind: "command", command: "npm test", cwd: "/ws"}, signal);
    const b = broker.request({callId: "b", kind: "externalTool", tool: "lookup", input: "{}"}, signal);
    assert.equal(broker.latest("command")?.callId, "a");
    broker.rejectAll();
    assert.deepEqual(await Promise.all([a, b]), [false, false]);
    assert.equal(changes, 4);
    assert.equal(await broker.request({callId: "c", kind: "command", command: "ls", cwd: "/"}, AbortSignal.abort()), false, "an aborted request never waits");
});

test("the +/- badge counts the lines of the changed block", () => {
    assert.deepEqual(lineChangeCount("a\nb\nc\n", "a\nB\nc\n"), {added: 1, removed: 1});
    assert.deepEqual(lineChangeCount(null, "x\ny"), {added: 2, removed: 0});
    assert.deepEqual(lineChangeCount("a\nb", "a\nb\nc\nd"), {added: 2, removed: 0});
    assert.deepEqual(lineChangeCount("a\nb\nc", "a"), {added: 0, removed: 2});
    assert.deepEqual(lineChangeCount("same", "same"), {added: 0, removed: 0});
});
