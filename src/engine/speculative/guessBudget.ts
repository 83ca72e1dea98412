/**
 * How many guessed tokens the next step should check, from what the steps so far measured.
 *
 * A step that checks k guesses costs about `single + k * perGuess` ms (the batch is wider, and a
 * draft model spends time guessing); it yields on average E(k) = (1 - a^(k+1)) / (1 - a) tokens
 * when each guess is right with probability a (the first wrong one ends the run). The budget is
 * the k that makes the most tokens per ms, 0 when no guessing beats plain steps. On a GPU
 * perGuess is near 0 and long runs pay; on a busy CPU (docs/benchmarks.md: a batch of 11 cost
 * 3.6 single steps) only runs that are mostly right do.
 */
export interface GuessBudgetOptions {
    /** Most guesses per step. */
    readonly maxGuesses: number;
    /** Before anything is measured: each guess's extra cost as a share of a single step. */
    readonly initialGuessCostShare?: number;
    /** Before anything is measured: the chance a guess is right. */
    readonly initialAcceptance?: number;
    /** After this many steps without guessing, one step tries a short run again (acceptance may have changed). */
    readonly probeEverySteps?: number;
}

/** How far each new measurement moves the running estimates. */
const SMOOTHING = 0.2;
const PROBE_GUESSES = 2;
const INITIAL_ACCEPTANCE = 0.6;

export class GuessBudget {
    private acceptance: number;
    private singleStepMs: number | undefined;
    private guessCostShare: number;
    private stepsWithoutGuessing = 0;
    private readonly probeEvery: number;

    constructor(private readonly options: GuessBudgetOptions) {
        this.acceptance = options.initialAcceptance ?? INITIAL_ACCEPTANCE;
        this.guessCostShare = options.initialGuessCostShare ?? 0.25;
        this.probeEvery = options.probeEverySteps ?? 16;
    }

    /**
     * A new request: how often guesses are right depends on its prompt, so that estimate starts
     * over; what a guess costs is the machine's and carries over.
     */
    startRequest(): void {
        this.acceptance = this.options.initialAcceptance ?? INITIAL_ACCEPTANCE;
        this.stepsWithoutGuessing = 0;
    }

    /** Guesses the next step should check (0: a plain step). */
    next(): number {
        const best = bestGuessCount(this.acceptance, this.guessCostShare, this.options.maxGuesses);
        if (best > 0)
            return best;
        if (this.stepsWithoutGuessing >= this.probeEvery)
            return Math.min(PROBE_GUESSES, this.options.maxGuesses);
        return 0;
    }

    /**
     * One step's outcome: `guessed` tokens checked, `accepted` of them right (a prefix),
     * and the step's time (guessing and checking).
     */
    record(guessed: number, accepted: number, stepMs: number): void {
        if (guessed === 0) {
            this.stepsWithoutGuessing++;
            this.singleStepMs = smooth(this.singleStepMs, stepMs);
            return;
        }
        this.stepsWithoutGuessing = 0;
        // Each guess up to and including the first wrong one was a trial; the rest were never reached.
        const trials = Math.min(guessed, accepted + 1);
        this.acceptance = smooth(this.acceptance, accepted / trials, SMOOTHING * trials);
        if (this.singleStepMs != null && this.singleStepMs > 0)
            this.guessCostShare = Math.max(0, smooth(this.guessCostShare, (stepMs - this.singleStepMs) / this.singleStepMs / guessed));
    }

    get estimates(): {acceptance: number; guessCostShare: number} {
        return {acceptance: this.acceptance, guessCostShare: this.guessCostShare};
    }
}

/** The guess count in 0..max with the most expected tokens per unit of time. */
export function bestGuessCount(acceptance: number, guessCostShare: number, max: number): number {
    let best = 0;
    let bestRate = 1; // a plain step: one token per single-step time
    for (let k = 1; k <= max; k++) {
        const rate = expectedTokens(acceptance, k) / (1 + guessCostShare * k);
        if (rate > bestRate * 1.02) { // a longer run must gain clearly, not by rounding
            best = k;
            bestRate = rate;
        }
    }
    return best;
}

/** Tokens a step yields with k guesses each right with probability a: the accepted run plus the step's own token. */
export function expectedTokens(acceptance: number, k: number): number {
    const a = Math.min(Math.max(acceptance, 0), 1);
    if (a === 1)
        return k + 1;
    return (1 - a ** (k + 1)) / (1 - a);
}

function smooth(previous: number | undefined, value: number, weight = SMOOTHING): number {
    if (previous == null)
        return value;
    const w = Math.min(1, weight);
    return previous + (value - previous) * w;
}
