import {readFileSync} from "node:fs";

/**
 * TEST SEAM — not part of the product. When the environment variable
 * QUANTPILOT_TEST_CHAT_SCRIPT names a JSON file `{"turns": [["reply 1", "reply 2"], ...]}`, the
 * n-th chat turn makes the model produce those replies token by token (a scripted token bias;
 * see src/engine/chat/scriptedTokenBias.ts). The end-to-end test uses it to drive an exact tool
 * call through a random-weight test model. Without the variable nothing here runs.
 */
export class TestChatScript {
    private turn = 0;

    private constructor(private readonly turns: readonly (readonly string[])[]) {}

    static fromEnvironment(env: NodeJS.ProcessEnv = process.env): TestChatScript | undefined {
        const file = env.QUANTPILOT_TEST_CHAT_SCRIPT;
        if (file == null || file === "")
            return undefined;
        const parsed = JSON.parse(readFileSync(file, "utf8")) as {turns?: unknown};
        const turns = Array.isArray(parsed.turns) ? parsed.turns.filter((t): t is string[] => Array.isArray(t) && t.every((r) => typeof r === "string")) : [];
        return new TestChatScript(turns);
    }

    /** The scripted replies of the next turn, if the script has one. */
    next(): readonly string[] | undefined {
        return this.turns[this.turn++];
    }
}
