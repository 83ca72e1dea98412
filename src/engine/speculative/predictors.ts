import type {TokenPredictor} from "node-llama-cpp";
import {loadNodeLlamaCpp} from "../nodeLlamaCpp";
import type {DraftModel} from "./draftModel";
import type {SpeculationOptions} from "./speculation";
import {SwitchablePredictor} from "./switchablePredictor";

/** Guesses per step: longer runs pay off when guesses are right, cost a wider batch when not. */
const DEFAULT_LOOKUP_TOKENS = 10;
const DEFAULT_DRAFT_TOKENS = 8;
const DEFAULT_DRAFT_MIN_TOKENS = 4;

/**
 * Prompt lookup: the last generated tokens are found in the prompt and what followed them there
 * is guessed next. A match must be at least 2 tokens long, so a single common token (a space, a
 * bracket) does not send a batch of guesses that are mostly wrong.
 */
export async function promptLookupPredictor(maxTokens = DEFAULT_LOOKUP_TOKENS): Promise<TokenPredictor> {
    const {InputLookupTokenPredictor} = await loadNodeLlamaCpp();
    return new InputLookupTokenPredictor({patternLength: {min: 2}, predictionLength: {min: 1, max: maxTokens}});
}

/** The per-request switch over prompt lookup and, when loaded, the draft model. */
export async function switchablePredictor(draft: DraftModel | undefined, options: SpeculationOptions): Promise<SwitchablePredictor> {
    const {DraftSequenceTokenPredictor} = await loadNodeLlamaCpp();
    const drafting = draft == null
        ? undefined
        : new DraftSequenceTokenPredictor(draft.sequence, {
            maxTokens: options.maxDraftTokens ?? DEFAULT_DRAFT_TOKENS,
            minTokens: Math.min(options.draftMinTokens ?? DEFAULT_DRAFT_MIN_TOKENS, options.maxDraftTokens ?? DEFAULT_DRAFT_TOKENS),
            ...(options.draftMinConfidence != null ? {minConfidence: options.draftMinConfidence} : {})
        });
    return new SwitchablePredictor(await promptLookupPredictor(options.maxDraftTokens), drafting);
}
