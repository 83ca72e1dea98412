import {after, test} from "node:test";
import assert from "node:assert/strict";
import type {ChatModelFunctions, LlamaChatResponse} from "node-llama-cpp";
import {assistantSystemPrompt} from "../../src/engine/chat/assistantPrompt";
import {toChatFunctions} from "../../src/engine/chat/chatFunctions";
import {forcedCallChatWrapper} from "../../src/engine/chat/forcedCallChatWrapper";
import {loadNodeLlamaCpp} from "../../src/engine/nodeLlamaCpp";
import {BUILTIN_TOOLS} from "../../src/tools/builtinTools";
import {ToolCallValidator} from "../../src/tools/toolCallValidator";
import {newTestEngine, testRuntime, TEST_LOAD_OPTIONS} from "../helpers/engine";
import {testModel} from "../helpers/testModels";

after(async () => {
    await testRuntime().dispose();
});

const MODEL_SEEDS = [1, 2, 3];
const SAMPLING_SEEDS = [11, 22, 33, 44, 55, 66];

/**
 * With the call prefix forced through the chat wrapper, a random-weight model picks the function
 * and its arguments itself, under the grammar. Whatever it picks must parse and match the tool's
 * schema, checked here by a standard JSON Schema validator independent of the grammar.
 */
test("calls a model makes under the grammar always match their schema, over many seeds", async () => {
    const {LlamaChat, resolveChatWrapper} = await loadNodeLlamaCpp();
    const validator = new ToolCallValidator(BUILTIN_TOOLS);
    const functions = toChatFunctions(BUILTIN_TOOLS);
    const systemPrompt = assistantSystemPrompt({folders: ["project"], tools: {available: true}});
    const chosen = new Set<string>();
    let finished = 0;
    let attempts = 0;
    for (const modelSeed of MODEL_SEEDS) {
        const engine = newTestEngine();
        await engine.load(await testModel("tiny", modelSeed), {...TEST_LOAD_OPTIONS, contextSize: 4096});
        const loaded = engine.loaded!;
        const context = await loaded.model.createContext({contextSize: 4096, threads: 1, sequences: 1});
        const chat = new LlamaChat({contextSequence: context.getSequence(), chatWrapper: await forcedCallChatWrapper(resolveChatWrapper(loaded.model))});
        for (const seed of SAMPLING_SEEDS) {
            attempts++;
            const response = await chat.generateResponse(
                [{type: "system", text: systemPrompt}, {type: "user", text: "Please look at the project."}, {type: "model", response: []}],
                {functions, documentFunctionParams: true, maxParallelFunctionCalls: 1, temperature: 1, seed, maxTokens: 256}
            ) as LlamaChatResponse<ChatModelFunctions>;
            // A reply cut by maxTokens inside a long random string has no call; every finished one is checked.
            for (const call of response.functionCalls ?? []) {
                finished++;
                chosen.add(call.functionName);
                assert.equal(validator.check(call.functionName, call.params), undefined, `${call.functionName} ${JSON.stringify(call.params)}`);
            }
            assert.equal(response.response, "", "a forced reply starts with the call, not text");
        }
        await context.dispose();
        await engine.dispose();
    }
    assert.ok(finished >= attempts / 2, `${finished} of ${attempts} replies finished a call`);
    assert.ok(chosen.size >= 2, `the model chose among the functions: ${[...chosen].join(", ")}`);
});
