import type {LlamaContextSequence, SequenceEvaluateOptions, Token, TokenPredictor} from "node-llama-cpp";
import type {LimitedGuesser} from "./draftGuesser";
import {GuessBudget} from "./guessBudget";
import type {PredictorKind} from "./speculation";

type ResetParams = {targetSequence: LlamaContextSequence; stateTokens: Token[]; evaluateOptions: Readonly<SequenceEvaluateOptions>};

/**
 * node-llama-cpp fixes a sequence's token predictor when the sequence is made, and the loaded
 * model has one sequence whose KV cache carries over between requests. This predictor sits in
 * that fixed place and hands each request's work to the predictor it asked for (or to none), so
 * switching between prompt lookup, a draft model and plain decoding costs nothing.
 * It has TokenPredictor's shape; the library only calls these methods.
 */
export class SwitchablePredictor implements TokenPredictor, LimitedGuesser {
    private active: TokenPredictor | undefined;
    /** Per predictor, what its steps measured so far: it carries over between requests. */
    private readonly budgets = new Map<PredictorKind, GuessBudget>();

    constructor(
        private readonly lookup: TokenPredictor,
        private readonly draft: TokenPredictor | undefined,
        private readonly maxGuesses: {readonly promptLookup: number; readonly draftModel: number} = {promptLookup: 10, draftModel: 8}
    ) {}

    /** How many guesses the next step of `kind` checks, learned from its earlier steps. */
    budgetFor(kind: Exclude<PredictorKind, "none">): GuessBudget {
        let budget = this.budgets.get(kind);
        if (budget == null) {
            budget = new GuessBudget({maxGuesses: this.maxGuesses[kind]});
            this.budgets.set(kind, budget);
        }
        return budget;
    }

    get hasDraft(): boolean {
        return this.draft != null;
    }

    /**
     * Picks the predictor for the next generation and gives prompt lookup the tokens it copies
     * from (LlamaChat gives them itself, so a chat passes none). The library resets the picked
     * predictor before it predicts.
     */
    use(kind: PredictorKind, inputTokens?: readonly Token[]): void {
        const next = kind === "promptLookup" ? this.lookup : kind === "draftModel" ? this.draft : undefined;
        if (next !== this.active)
            void this.active?.stop();
        this.active = next;
        if (inputTokens != null)
            this.lookup.updateInputTokens(inputTokens.slice());
    }

    reset(params: ResetParams): Promise<void> | void {
        return this.active?.reset(params);
    }

    pushTokens(tokens: Token[]): void {
        this.active?.pushTokens(tokens);
    }

    predictTokens(): Promise<Token[]> | Token[] {
        return this.active?.predictTokens() ?? [];
    }

    /** At most `limit` guesses; a predictor that can be told the limit makes no more than that. */
    async guessUpTo(limit: number): Promise<Token[]> {
        const active = this.active as (TokenPredictor & Partial<LimitedGuesser>) | undefined;
        if (active == null || limit <= 0)
            return [];
        if (active.guessUpTo != null)
            return active.guessUpTo(limit);
        return (await active.predictTokens()).slice(0, limit);
    }

    stop(untilPredictionsExhausted?: boolean): Promise<void> | void {
        return this.active?.stop(untilPredictionsExhausted);
    }

    updateInputTokens(tokens: Token[]): void {
        this.lookup.updateInputTokens(tokens);
    }

    async dispose(): Promise<void> {
        this.active = undefined;
        await this.lookup.dispose();
        await this.draft?.dispose();
    }

    [Symbol.dispose](): void {
        void this.dispose();
    }
}
