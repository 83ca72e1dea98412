import type {Llama} from "node-llama-cpp";
import {buildFimPrompt} from "../../completion/fimPrompt";
import type {TextSource} from "../corpus/textSources";

/**
 * The prompts every model is timed on: `completionContextSize` tokens of the texts for prompt
 * processing, and a fill-in-the-middle prompt of about the same size cut from the longest code
 * text (cursor on a line boundary 60 % of the way in, three quarters of the budget before it,
 * one quarter after, as completions split it). Without FIM tokens the prompt is the text
 * before the cursor.
 */
export async function speedPrompts(
    llama: Llama, modelPath: string, stream: readonly number[], texts: readonly TextSource[], completionContextSize: number
): Promise<{promptTokens: number[]; ttftPrompt: number[]}> {
    const promptTokens = stream.slice(0, completionContextSize);
    const code = [...texts].filter((t) => t.kind === "code").sort((a, b) => b.text.length - a.text.length)[0] ?? texts[0]!;
    const cut = code.text.lastIndexOf("\n", Math.floor(code.text.length * 0.6)) + 1;
    const vocabulary = await llama.loadModel({modelPath, vocabOnly: true});
    try {
        const {prefix, suffix, middle} = vocabulary.tokens.infill;
        const bos = vocabulary.tokens.shouldPrependBosToken ? vocabulary.tokens.bos ?? undefined : undefined;
        const before = vocabulary.tokenize(code.text.slice(0, cut), false);
        const after = vocabulary.tokenize(code.text.slice(cut), false);
        if (prefix == null || suffix == null || middle == null)
            return {promptTokens, ttftPrompt: [...(bos != null ? [bos] : []), ...before.slice(-(completionContextSize - 1))]};
        const budget = completionContextSize - 4;
        const suffixTokens = after.slice(0, Math.floor(budget / 4));
        const prefixTokens = before.slice(-(budget - suffixTokens.length));
        const ttftPrompt = buildFimPrompt({context: [], stable: prefixTokens, volatile: [], suffix: suffixTokens},
            {prefix, suffix, middle, ...(bos != null ? {bos} : {})}, "psm").tokens;
        return {promptTokens, ttftPrompt};
    } finally {
        await vocabulary.dispose();
    }
}
