import {test} from "node:test";
import assert from "node:assert/strict";
import {writeFile} from "node:fs/promises";
import {join} from "node:path";
import {TestChatScript} from "../../src/assistant/assistantTestHooks";
import {tempDir} from "../helpers/tempDir";

test("the scripted-chat test seam is off unless its environment variable names a script", () => {
    assert.equal(TestChatScript.fromEnvironment({}), undefined);
    assert.equal(TestChatScript.fromEnvironment({QUANTPILOT_TEST_CHAT_SCRIPT: ""}), undefined);
});

test("a script hands out one turn's replies per chat turn, then nothing", async () => {
    const file = join(tempDir("script"), "script.json");
    await writeFile(file, JSON.stringify({turns: [["a", "b"], ["c"], "not a turn", [1]]}));
    const script = TestChatScript.fromEnvironment({QUANTPILOT_TEST_CHAT_SCRIPT: file})!;
    assert.deepEqual(script.next(), ["a", "b"]);
    assert.deepEqual(script.next(), ["c"]);
    assert.equal(script.next(), undefined, "malformed turns are dropped");
});
