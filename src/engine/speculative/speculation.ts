/**
 * How generation may guess ahead. Greedy output is the same in every mode: guessed tokens are
 * checked by the target model in one batch and only the ones it would have picked are kept.
 * - `off`: one model step per token.
 * - `promptLookup`: guesses are copied from the prompt where the last tokens already occur in it
 *   (edits repeat most of the code they were given).
 * - `draftModel`: a smaller model with the same vocabulary guesses.
 * - `auto`: the draft model when one is loaded, else prompt lookup.
 */
export type SpeculativeMode = "off" | "promptLookup" | "draftModel" | "auto";

export const SPECULATIVE_MODES: readonly SpeculativeMode[] = ["off", "promptLookup", "draftModel", "auto"];

/** What guesses one request's tokens. */
export type PredictorKind = "none" | "promptLookup" | "draftModel";

/** Load-time choice of speculative decoding, from `quantpilot.speculative.*`. */
export interface SpeculationOptions {
    /** The setting's default is `off` (measured slower on a busy 2-core CPU; docs/benchmarks.md). */
    readonly mode: SpeculativeMode;
    /**
     * The draft model for `draftModel`/`auto`. Empty or absent: the smallest model beside the target
     * whose vocabulary is the target's own is picked.
     */
    readonly draftModelPath?: string;
    /**
     * Most tokens guessed ahead per step. Default: 8 for the draft model, 10 for prompt lookup.
     * Each step guesses fewer (or none) when that is expected to be faster (guessBudget.ts).
     */
    readonly maxDraftTokens?: number;
    /**
     * The draft model guesses only while it is at least this sure of its next token (0..1).
     * Default: node-llama-cpp's 0.6.
     */
    readonly draftMinConfidence?: number;
}

/** How guessing went for one request. */
export interface SpeculationStats {
    readonly predictor: PredictorKind;
    /** Guessed tokens the target model confirmed. */
    readonly accepted: number;
    /** Guessed tokens the target model rejected. */
    readonly rejected: number;
    /** accepted / (accepted + rejected); null when nothing was guessed. */
    readonly acceptance: number | null;
    /**
     * Generated tokens per target-model step (1 without guessing). An upper bound of the decode
     * speed-up: a step that checks guesses costs somewhat more than a one-token step.
     */
    readonly tokensPerStep: number;
}

/** The stats of one request that made `tokens` tokens with `counts.steps` model steps. */
export function speculationStats(predictor: PredictorKind, counts: {steps: number; accepted: number; rejected: number}, tokens: number): SpeculationStats {
    const {accepted, rejected} = counts;
    return {
        predictor,
        accepted,
        rejected,
        acceptance: accepted + rejected > 0 ? accepted / (accepted + rejected) : null,
        tokensPerStep: counts.steps > 0 && tokens > 0 ? tokens / counts.steps : 1
    };
}

/** Which predictor a request gets in `mode`, given whether a draft model is loaded. */
export function predictorFor(mode: SpeculativeMode, hasDraft: boolean): PredictorKind {
    switch (mode) {
        case "off": return "none";
        case "promptLookup": return "promptLookup";
        case "draftModel": return hasDraft ? "draftModel" : "none";
        case "auto": return hasDraft ? "draftModel" : "promptLookup";
    }
}

/** Whether `mode` wants a draft model loaded beside the target. */
export function wantsDraftModel(mode: SpeculativeMode): boolean {
    return mode === "draftModel" || mode === "auto";
}

/** Speculative decoding as the loaded model runs it: for the panel, `inspect` and the log. */
export interface SpeculationDescription {
    readonly mode: SpeculativeMode;
    /** What guesses for requests that do not choose. */
    readonly predictor: PredictorKind;
    readonly draft?: {readonly path: string; readonly fileName: string; readonly ramBytes: number};
    /** Why a draft model that was asked for is not used (one sentence). */
    readonly notice?: string;
}
