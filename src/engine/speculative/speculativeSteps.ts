import type {LlamaContextSequence, Token, TokenPredictor} from "node-llama-cpp";
import type {LimitedGuesser} from "./draftGuesser";
import type {GuessBudget} from "./guessBudget";

/** What guessing did over one generation. */
export interface GuessCounts {
    /** Model steps taken. */
    steps: number;
    accepted: number;
    rejected: number;
}

/**
 * Greedy decoding that checks guessed tokens in the same model step, and keeps only what the
 * model itself would have picked: each step evaluates the pending token plus up to
 * `budget.next()` guesses from `predictor`, reads the model's greedy pick after each of them,
 * keeps the guesses up to the first one that differs from the pick before it, and erases the
 * rest from the KV cache. Yields the tokens each step decided (at least one). The output is the
 * same as one step per token (up to how the CPU sums a batch, as with any batch size).
 *
 * This is used instead of node-llama-cpp 3.21.1's own path (`sequence.evaluate` with a
 * `tokenPredictor`), which accepts at most one guess per step: when it checks the guesses it
 * compares each one after the first against a list that is never filled, so every later guess
 * counts as refuted and is erased (measured: 1 of 10 accepted while copying code verbatim).
 *
 * `sequence` must hold the prompt without its last token, which is `pending`.
 */
export async function* speculativeSteps(
    sequence: LlamaContextSequence,
    pending: Token,
    predictor: TokenPredictor & LimitedGuesser,
    budget: GuessBudget,
    counts: GuessCounts
): AsyncGenerator<Token[], void, undefined> {
    await predictor.reset({targetSequence: sequence, stateTokens: [...sequence.contextTokens, pending], evaluateOptions: {temperature: 0}});
    budget.startRequest();
    try {
        while (true) {
            const started = performance.now();
            const room = sequence.context.contextSize - sequence.nextTokenIndex - 1;
            if (room <= 0)
                return;
            const limit = Math.min(budget.next(), room - 1);
            // The draft model guesses only when asked, so while guessing does not pay it costs nothing.
            const guesses = limit > 0 ? await predictor.guessUpTo(limit) : [];
            const decided = await checkGuesses(sequence, pending, guesses);
            const accepted = decided.length - 1;
            counts.steps++;
            counts.accepted += accepted;
            counts.rejected += guesses.length - accepted;
            budget.record(guesses.length, accepted, performance.now() - started);
            predictor.pushTokens(decided);
            pending = decided[decided.length - 1]!;
            yield decided;
        }
    } finally {
        void predictor.stop();
    }
}

/**
 * Evaluates `pending` and `guesses` in one batch and returns the greedy picks that follow from
 * them: the pick after `pending`, then one more for each guess that equals the pick before it.
 * The rejected guesses are erased from the KV cache; the last pick is not evaluated yet.
 */
async function checkGuesses(sequence: LlamaContextSequence, pending: Token, guesses: readonly Token[]): Promise<Token[]> {
    const input = [pending, ...guesses].map((token) => [token, {generateNext: {token: true}}] as [Token, {generateNext: {token: boolean}}]);
    const outputs = await sequence.controlledEvaluate(input);
    const decided: Token[] = [];
    for (let i = 0; i < input.length; i++) {
        const picked = outputs[i]?.next.token;
        if (picked == null)
            throw new Error("The model returned no token for a step");
        decided.push(picked);
        if (i >= guesses.length || guesses[i] !== picked)
            break;
    }
    const rejected = guesses.length - (decided.length - 1);
    if (rejected > 0)
        await sequence.eraseContextTokenRanges([{start: sequence.nextTokenIndex - rejected, end: sequence.nextTokenIndex}]);
    return decided;
}
