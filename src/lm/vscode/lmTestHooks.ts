import {TestChatScript} from "../../assistant/assistantTestHooks";

/**
 * TEST SEAM — not part of the product. QUANTPILOT_TEST_LM_SCRIPT names a script file as
 * QUANTPILOT_TEST_CHAT_SCRIPT does for the assistant (see assistantTestHooks.ts): the n-th
 * language model request makes the model produce those replies, so the end-to-end test can
 * drive an exact tool call through a random-weight test model. Without it nothing is added.
 */
export function lmTestScript(env: NodeJS.ProcessEnv = process.env): {script?: () => readonly string[] | undefined} {
    const script = TestChatScript.fromEnvironment({QUANTPILOT_TEST_CHAT_SCRIPT: env.QUANTPILOT_TEST_LM_SCRIPT});
    return script != null ? {script: () => script.next()} : {};
}
