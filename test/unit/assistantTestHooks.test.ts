import {test} from "node:test";
import assert from "node:assert/strict";
import {mkdtemp, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {TestChatScript} from "../../src/assistant/assistantTestHooks";

test("the scripted-chat test seam is off unless its environment variable names a script", () => {
    assert.equal(TestChatScript.fromEnvironment({}), undefined);
    assert.equal(TestChatScript.fromEnvironment({QUANTPILOT_TEST_CHAT_SCRIPT: ""}), undefined);
});

test("a script hands out one turn's replies per chat turn, then nothing", async () => {
    const file = join(await mkdtemp(join(tmpdir(), "qp-script-")), "script.json");
    await writeFile(file, JSON.stringify({turns: [["a", "b"], ["c"], "not a turn", [1]]}));
    const script = TestChatScript.fromEnvironment({QUANTPILOT_TEST_CHAT_SCRIPT: file})!;
    assert.deepEqual(script.next(), ["a", "b"]);
    assert.deepEqual(script.next(), ["c"]);
    assert.equal(script.next(), undefined, "malformed turns are dropped");
});
