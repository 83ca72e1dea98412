import type {LlamaContextSequence, Token, TokenPredictor} from "node-llama-cpp";

/** A predictor that can be told how many tokens to guess, so none are made for nothing. */
export interface LimitedGuesser {
    guessUpTo(limit: number): Promise<Token[]> | Token[];
}

export interface DraftGuesserOptions {
    /** Most tokens guessed per call. */
    readonly maxTokens: number;
    /** The draft stops guessing at a token it is less sure of than this (0..1; 0: never). */
    readonly minConfidence: number;
}

/**
 * The draft model's guesses, made in turn with the target's steps: asked for k tokens, it brings
 * its sequence up to the confirmed tokens (keeping what it already holds), then generates
 * greedily until k tokens or a token it is unsure of.
 *
 * node-llama-cpp's DraftSequenceTokenPredictor drafts in the background instead: on a 2-core CPU
 * that competes with the target for the same cores, and when driven step by step (its guesses
 * checked outside the library's own path, see speculativeSteps.ts) a wait for its first tokens
 * could be left pending after a refuted guess aborted its run (seen as a hung model test).
 */
export class DraftGuesser implements TokenPredictor, LimitedGuesser {
    private state: Token[] = [];

    constructor(private readonly sequence: LlamaContextSequence, private readonly options: DraftGuesserOptions) {}

    /** Takes the target's tokens and evaluates all but the last on the draft, before any step is timed. */
    async reset({stateTokens}: {stateTokens: Token[]}): Promise<void> {
        this.state = stateTokens.slice();
        await this.catchUp();
    }

    pushTokens(tokens: Token[]): void {
        this.state.push(...tokens);
    }

    predictTokens(): Promise<Token[]> {
        return this.guessUpTo(this.options.maxTokens);
    }

    async guessUpTo(limit: number): Promise<Token[]> {
        const count = Math.min(limit, this.options.maxTokens);
        const last = this.state[this.state.length - 1];
        if (count <= 0 || last == null)
            return [];
        await this.catchUp();
        const guesses: Token[] = [];
        const room = this.sequence.context.contextSize - this.sequence.nextTokenIndex - 1;
        for await (const {token, confidence} of this.sequence.evaluateWithMetadata([last], {confidence: true}, {temperature: 0})) {
            if (this.options.minConfidence > 0 && confidence < this.options.minConfidence)
                break;
            guesses.push(token);
            if (guesses.length >= Math.min(count, room))
                break;
        }
        return guesses;
    }

    stop(): void {
        // Nothing runs between calls.
    }

    updateInputTokens(): void {
        // The draft guesses from the tokens so far, not from the prompt's text.
    }

    dispose(): void {
        this.state = [];
    }

    [Symbol.dispose](): void {
        this.dispose();
    }

    /** Makes the draft's sequence hold the confirmed tokens but the last, evaluating only what differs. */
    private async catchUp(): Promise<void> {
        const wanted = this.state.slice(0, -1);
        const held = this.sequence.contextTokens;
        let common = 0;
        while (common < held.length && common < wanted.length && held[common] === wanted[common])
            common++;
        if (common < this.sequence.nextTokenIndex)
            await this.sequence.eraseContextTokenRanges([{start: common, end: this.sequence.nextTokenIndex}]);
        if (common < wanted.length)
            await this.sequence.evaluateWithoutGeneratingNewTokens(wanted.slice(common));
    }
}
