import type {LlamaContextSequence, LlamaModel, Token, TokenBias} from "node-llama-cpp";
import {loadNodeLlamaCpp} from "../nodeLlamaCpp";
import {ScriptCursor} from "./scriptCursor";

/** Logit added to the scripted token: far above anything a model produces on its own. */
const SCRIPT_LOGIT = 1000;
/** Context tokens read back per step: enough to align a tool call, cheap to detokenize. */
const TAIL_TOKENS = 96;

/**
 * A test seam, never used in normal operation: a `tokenBias` function that makes the model
 * produce `script` (text with special tokens, e.g. `<tool_call>…</tool_call><|im_end|>`) one
 * token at a time. Generated test models have zero output rows for special tokens, so without
 * it they never start a tool call; with it, a call runs through the real tokenizer, call
 * detection, grammar, handler and result rendering. Create one per model reply.
 */
export async function createScriptedTokenBias(
    model: LlamaModel,
    sequence: LlamaContextSequence,
    script: string
): Promise<() => TokenBias> {
    const {TokenBias: TokenBiasClass} = await loadNodeLlamaCpp();
    const firstToken = (rest: string): Token | undefined => model.tokenize(rest, true)[0];
    const cursor = new ScriptCursor(script, (rest) => {
        const token = firstToken(rest);
        return token == null ? rest : model.detokenize([token], true);
    });
    let onlyEndOfGeneration: TokenBias | undefined;
    return () => {
        const tail = model.detokenize(sequence.contextTokens.slice(-TAIL_TOKENS), true);
        const tokens = cursor.next(tail)
            .map((position) => firstToken(script.slice(position)))
            .filter((token): token is Token => token != null);
        if (tokens.some((token) => model.isEogToken(token))) {
            // node-llama-cpp ignores biases on end-of-generation tokens, so forbid everything else;
            // greedy sampling then takes the first of them (the caller samples scripted replies greedily).
            onlyEndOfGeneration ??= forbidAllBut(new TokenBiasClass(model.tokenizer), model);
            return onlyEndOfGeneration;
        }
        const bias = new TokenBiasClass(model.tokenizer);
        for (const token of tokens)
            bias.set(token, {logit: SCRIPT_LOGIT});
        return bias;
    };
}

function forbidAllBut(bias: TokenBias, model: LlamaModel): TokenBias {
    const tokens = model.fileInfo.metadata.tokenizer?.ggml?.tokens?.length ?? 0;
    for (let token = 0; token < tokens; token++)
        if (!model.isEogToken(token as Token))
            bias.set(token as Token, "never");
    return bias;
}

/**
 * Test seam: the text a Qwen-format model produces for one tool call ending its reply, as the
 * grammar has it generated (arguments in schema order, then the grammar's end marker). Leave
 * `args` out for a tool without parameters: node-llama-cpp writes its empty arguments itself.
 */
export function qwenToolCallScript(name: string, args?: object): string {
    if (args == null)
        return `<tool_call>\n{"name": "${name}"<|im_end|>`;
    return `<tool_call>\n{"name": "${name}", "arguments": ${JSON.stringify(args)}\n\n\n\n<|im_end|>`;
}
