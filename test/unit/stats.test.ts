import {test} from "node:test";
import assert from "node:assert/strict";
import {bootstrapInterval, clusterMeanInterval, pairedDifferenceInterval, percentileInterval} from "../../src/ab/stats/bootstrap";
import {exactMcNemarP} from "../../src/ab/stats/mcnemar";
import {conclude, pairedBinary, pairedScores} from "../../src/ab/stats/pairedOutcomes";

const close = (actual: number, expected: number, tolerance: number, what: string) =>
    assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not within ${tolerance} of ${expected}`);

test("exact McNemar p matches the two-sided binomial test (R: binom.test(k, n, 0.5))", () => {
    // binom.test(2, 12)$p.value = 0.03857422 = 2 * (1 + 12 + 66) / 4096
    close(exactMcNemarP(10, 2), 0.0385742188, 1e-9, "b=10 c=2");
    close(exactMcNemarP(2, 10), 0.0385742188, 1e-9, "symmetric");
    // binom.test(0, 5)$p.value = 0.0625
    close(exactMcNemarP(5, 0), 0.0625, 1e-12, "b=5 c=0");
    // binom.test(3, 10)$p.value = 0.34375
    close(exactMcNemarP(7, 3), 0.34375, 1e-12, "b=7 c=3");
    // binom.test(40, 100)$p.value = 0.05688793
    close(exactMcNemarP(60, 40), 0.05688793, 1e-7, "b=60 c=40");
    assert.equal(exactMcNemarP(0, 0), 1, "no discordant pairs: no evidence");
    assert.equal(exactMcNemarP(4, 4), 1, "balanced flips cap at 1");
    // Large n must not underflow (0.5^2000 is 0 in double): binom.test(1000, 2000) gives 1.
    close(exactMcNemarP(1000, 1000), 1, 1e-12, "n=2000 balanced");
    assert.ok(exactMcNemarP(1200, 800) < 1e-15);
    assert.throws(() => exactMcNemarP(-1, 2), RangeError);
    assert.throws(() => exactMcNemarP(1.5, 2), RangeError);
});

test("the bootstrap interval of constant data collapses to the value", () => {
    assert.deepEqual(bootstrapInterval(20, () => 0.25), [0.25, 0.25]);
    assert.deepEqual(clusterMeanInterval([3, 6, 9], [10, 20, 30]), [0.3, 0.3]);
});

test("the percentile bootstrap of a proportion agrees with the normal interval for large n", () => {
    // 30 of 100 right: Wald 95 % interval 0.3 ± 1.96·sqrt(0.3·0.7/100) = [0.2102, 0.3898].
    const outcomes = Array.from({length: 100}, (_, i) => (i < 30 ? 1 : 0));
    const [low, high] = bootstrapInterval(100, (w) => w.reduce((s, count, i) => s + count * outcomes[i]!, 0) / 100, {resamples: 4000});
    close(low, 0.2102, 0.015, "low end");
    close(high, 0.3898, 0.015, "high end");
});

test("the bootstrap matches the exact resampling distribution of a small sample", () => {
    // All 3^3 equally likely resamples of [0, 0, 3]: the mean is 0 w.p. 8/27, 1 w.p. 12/27,
    // 2 w.p. 6/27, 3 w.p. 1/27. The 2.5 % quantile is 0; the 97.5 % quantile is 3 (1/27 = 3.7 % > 2.5 %).
    const data = [0, 0, 3];
    const statistic = (w: Uint32Array) => (w[0]! * data[0]! + w[1]! * data[1]! + w[2]! * data[2]!) / 3;
    assert.deepEqual(bootstrapInterval(3, statistic, {resamples: 20000}), [0, 3]);
    // At 80 % coverage the ends are the 10 % and 90 % quantiles: 0 and 2 (P(mean ≤ 1) = 20/27 = 74 %, P(≤ 2) = 96 %).
    assert.deepEqual(bootstrapInterval(3, statistic, {resamples: 20000, level: 0.8}), [0, 2]);
});

test("the same seed gives the same interval, another seed a slightly different one", () => {
    const values = Array.from({length: 40}, (_, i) => Math.sin(i) + 1);
    const counts = values.map(() => 1);
    const a = clusterMeanInterval(values, counts, {seed: 7});
    assert.deepEqual(clusterMeanInterval(values, counts, {seed: 7}), a);
    const b = clusterMeanInterval(values, counts, {seed: 8});
    assert.notDeepEqual(b, a);
    close(b[0], a[0], 0.05, "another seed, low end");
});

test("cluster intervals weigh clusters by their token counts", () => {
    // Three windows of 1000 tokens all 0, one 1-token window at 1: a resample holds at least one
    // big window unless all four draws hit the small one (0.4 %), so the mean stays below 3/1003,
    // where an unweighted mean of window means would reach 0.25 and more.
    const [low, high] = clusterMeanInterval([0, 0, 0, 1], [1000, 1000, 1000, 1]);
    assert.ok(high <= 3 / 1003, `high end ${high}`);
    assert.ok(low >= 0);
});

test("paired binary analysis counts flips and calls an interval that includes 0 inconclusive", () => {
    const reference = [true, true, true, false, false, true, true, true, true, true];
    const candidate = [true, false, true, true, false, true, true, true, true, true];
    const result = pairedBinary(reference, candidate);
    assert.deepEqual(result.flips, {rightToWrong: 1, wrongToRight: 1});
    assert.equal(result.mcnemarP, 1);
    assert.equal(result.difference, 0);
    assert.equal(result.conclusion, "inconclusive");
    assert.ok(result.differenceCi95[0] < 0 && result.differenceCi95[1] > 0);
});

test("a consistent drop is called worse and its interval excludes 0", () => {
    const reference = Array.from({length: 60}, () => true);
    const candidate = Array.from({length: 60}, (_, i) => i % 3 !== 0);
    const result = pairedBinary(reference, candidate);
    assert.equal(result.flips.rightToWrong, 20);
    assert.equal(result.conclusion, "worse");
    assert.ok(result.differenceCi95[1] < 0);
    close(result.difference, -1 / 3, 1e-12, "difference");
    // binom.test(0, 20)$p.value = 1.907349e-06
    close(result.mcnemarP, 1.907349e-6, 1e-11, "McNemar");
});

test("paired scores and bad input", () => {
    const result = pairedScores([0.5, 0.5, 0.5], [0.7, 0.7, 0.7]);
    close(result.difference, 0.2, 1e-12, "difference");
    assert.equal(result.conclusion, "better");
    assert.throws(() => pairedScores([1], [1, 2]), /differ in length/);
    assert.throws(() => pairedBinary([], []), /no paired outcomes/);
    assert.throws(() => pairedDifferenceInterval([1], []), RangeError);
    assert.equal(conclude([Number.NaN, Number.NaN]), "inconclusive");
    assert.deepEqual(percentileInterval([]), [Number.NaN, Number.NaN]);
});
