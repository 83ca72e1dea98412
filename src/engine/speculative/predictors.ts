import type {TokenPredictor} from "node-llama-cpp";
import {loadNodeLlamaCpp} from "../nodeLlamaCpp";
import {DraftGuesser} from "./draftGuesser";
import type {DraftModel} from "./draftModel";
import type {SpeculationOptions} from "./speculation";
import {SwitchablePredictor} from "./switchablePredictor";

/** Guesses per step: longer runs pay off when guesses are right, cost a wider batch when not. */
const DEFAULT_LOOKUP_TOKENS = 10;
const DEFAULT_DRAFT_TOKENS = 8;
/** node-llama-cpp's default for its own draft predictor. */
const DEFAULT_DRAFT_MIN_CONFIDENCE = 0.6;

/**
 * node-llama-cpp 3.21.1's own speculative path (`LlamaChat`, `sequence.evaluate` with a predictor)
 * keeps at most one guess per step (speculativeSteps.ts says why), so a longer guess only widens
 * the batch: the chat's predictor guesses one token.
 */
const LIBRARY_PATH_LOOKUP_TOKENS = 1;

/**
 * Prompt lookup: the last generated tokens are found in the prompt and what followed them there
 * is guessed next. A match must be at least 2 tokens long, so a single common token (a space, a
 * bracket) does not send a batch of guesses that are mostly wrong. The default length is for
 * node-llama-cpp's own path (the assistant's chat); the engine's own steps pass theirs.
 */
export async function promptLookupPredictor(maxTokens = LIBRARY_PATH_LOOKUP_TOKENS): Promise<TokenPredictor> {
    const {InputLookupTokenPredictor} = await loadNodeLlamaCpp();
    return new InputLookupTokenPredictor({patternLength: {min: 2}, predictionLength: {min: 1, max: maxTokens}});
}

/** The per-request switch over prompt lookup and, when loaded, the draft model. */
export async function switchablePredictor(draft: DraftModel | undefined, options: SpeculationOptions): Promise<SwitchablePredictor> {
    const drafting = draft == null
        ? undefined
        : new DraftGuesser(draft.sequence, {
            maxTokens: options.maxDraftTokens ?? DEFAULT_DRAFT_TOKENS,
            minConfidence: options.draftMinConfidence ?? DEFAULT_DRAFT_MIN_CONFIDENCE
        });
    const maxGuesses = {promptLookup: options.maxDraftTokens ?? DEFAULT_LOOKUP_TOKENS, draftModel: options.maxDraftTokens ?? DEFAULT_DRAFT_TOKENS};
    return new SwitchablePredictor(await promptLookupPredictor(maxGuesses.promptLookup), drafting, maxGuesses);
}
