import {test} from "node:test";
import assert from "node:assert/strict";
import {bestGuessCount, expectedTokens, GuessBudget} from "../../src/engine/speculative/guessBudget";

test("a step yields its own token plus the run of right guesses, on average", () => {
    assert.equal(expectedTokens(1, 5), 6);
    assert.equal(expectedTokens(0, 5), 1);
    assert.ok(Math.abs(expectedTokens(0.5, 2) - 1.75) < 1e-9);
});

test("guessing only pays when guesses are mostly right or cheap to check", () => {
    // Measured on the 2-core CPU: each guess in the batch costs about a quarter of a single step.
    assert.equal(bestGuessCount(0.1, 0.25, 10), 0);
    assert.equal(bestGuessCount(0.98, 0.25, 10), 10);
    const middle = bestGuessCount(0.6, 0.25, 10);
    assert.ok(middle > 0 && middle < 10, `got ${middle}`);
    // Where a wider batch costs nothing (memory-bound decoding), even poor guesses pay.
    assert.ok(bestGuessCount(0.3, 0, 10) > bestGuessCount(0.3, 0.25, 10));
});

test("the budget shrinks when guesses are refuted and grows when they are accepted", () => {
    const budget = new GuessBudget({maxGuesses: 8, initialAcceptance: 0.9, initialGuessCostShare: 0.25});
    budget.record(0, 0, 100); // a plain step: 100 ms
    assert.ok(budget.next() >= 4);
    for (let i = 0; i < 6; i++)
        budget.record(8, 0, 300);
    assert.equal(budget.next(), 0, `after refuted guesses: ${JSON.stringify(budget.estimates)}`);
    for (let i = 0; i < 20; i++)
        budget.record(0, 0, 100);
    const probe = budget.next();
    assert.ok(probe > 0, "after a while without guessing a short run is tried again");
    for (let i = 0; i < 10; i++)
        budget.record(probe, probe, 130);
    assert.ok(budget.next() > probe, `after accepted probes: ${budget.next()}`);
});

test("the measured cost of a guess decides: cheap batches keep long runs at middling acceptance", () => {
    const cheap = new GuessBudget({maxGuesses: 8, initialAcceptance: 0.7});
    const dear = new GuessBudget({maxGuesses: 8, initialAcceptance: 0.7});
    cheap.record(0, 0, 100);
    dear.record(0, 0, 100);
    for (let i = 0; i < 10; i++) {
        cheap.record(4, 2, 105);
        dear.record(4, 2, 250);
    }
    assert.ok(cheap.next() > dear.next(), `cheap ${cheap.next()}, dear ${dear.next()}`);
});
