import {metaArray, metaString, type GgufHeader} from "../../gguf/ggufReader";
import {VocabularyMismatchError} from "../runner/abErrors";

/**
 * Refuses a pair whose vocabularies differ: token ids would mean different text, so comparing
 * distributions position by position would be meaningless. Compares the tokenizer model and
 * every token's text, and names the first difference.
 */
export function checkSameVocabulary(referenceName: string, reference: GgufHeader, candidateName: string, candidate: GgufHeader): void {
    const fail = (reason: string) => {
        throw new VocabularyMismatchError(referenceName, candidateName, reason);
    };
    const refModel = metaString(reference, "tokenizer.ggml.model");
    const candModel = metaString(candidate, "tokenizer.ggml.model");
    if (refModel !== candModel)
        fail(`the reference uses the "${refModel ?? "unknown"}" tokenizer and the candidate "${candModel ?? "unknown"}"`);
    const refTokens = metaArray(reference, "tokenizer.ggml.tokens") ?? [];
    const candTokens = metaArray(candidate, "tokenizer.ggml.tokens") ?? [];
    if (refTokens.length !== candTokens.length)
        fail(`the reference has ${refTokens.length} tokens in its vocabulary and the candidate ${candTokens.length}`);
    for (let i = 0; i < refTokens.length; i++) {
        if (refTokens[i] !== candTokens[i])
            fail(`token ${i} is ${JSON.stringify(refTokens[i])} in the reference but ${JSON.stringify(candTokens[i])} in the candidate`);
    }
}
