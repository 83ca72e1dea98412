import {distance} from "fastest-levenshtein";
import {bootstrapInterval, type Interval} from "../../src/ab/stats/bootstrap";
import {wilsonInterval} from "../../src/tools/toolCallScoring";

/**
 * Where one answer's time went, as the side itself reports it: QuantPilot's request metrics,
 * llama-server's `timings`. Prompt time runs to the first generated token on both sides.
 */
export interface FimWork {
    /** Prompt tokens evaluated for this answer (not found in the KV cache). */
    readonly promptTokens: number;
    readonly promptMs: number;
    readonly generatedTokens: number;
    /** From the first generated token to the last. */
    readonly generationMs: number;
    /** Why generation stopped, in the side's own words. */
    readonly stop: string;
}

/** One side's answer to one task. */
export interface FimAnswer {
    readonly text: string;
    readonly latencyMs: number;
    readonly work?: FimWork;
}

export interface FimOutcome {
    readonly exact: boolean;
    readonly editSimilarity: number;
    readonly shown: boolean;
    readonly latencyMs: number;
    readonly work?: FimWork;
}

/**
 * Scored line by line as a user accepts: the suggestion's first k lines against the k lines cut
 * out (k = the span), trailing whitespace ignored, leading whitespace counted (a suggestion one
 * space too deep is wrong). Extra lines after the span neither help nor hurt, on both sides alike.
 */
export function scoreFim(answer: FimAnswer, middle: string): FimOutcome {
    const trim = (text: string) => text.split("\n").map((l) => l.trimEnd());
    const expected = trim(middle);
    const got = trim(answer.text).slice(0, expected.length).join("\n").trimEnd();
    const want = expected.join("\n").trimEnd();
    const longer = Math.max(got.length, want.length);
    return {
        exact: got === want,
        editSimilarity: longer === 0 ? 1 : 1 - distance(got, want) / longer,
        shown: answer.text.trim() !== "",
        latencyMs: answer.latencyMs,
        ...(answer.work != null ? {work: answer.work} : {})
    };
}

export interface Rate {
    readonly rate: number;
    readonly n: number;
    /** Wilson 95 % interval. */
    readonly ci95: Interval;
}

export interface FimSummary {
    readonly exactMatch: Rate;
    readonly shown: Rate;
    readonly editSimilarity: {readonly mean: number; readonly ci95: Interval};
    readonly p50Ms: {readonly value: number; readonly ci95: Interval};
    readonly p95Ms: number;
    /** Medians of the answers' work, where the side reported it. */
    readonly work?: {readonly promptTokens: number; readonly promptMs: number; readonly generatedTokens: number; readonly generationMs: number};
}

export function rate(successes: number, n: number): Rate {
    return {rate: n === 0 ? 0 : successes / n, n, ci95: wilsonInterval(successes, n)};
}

export function summarizeFim(outcomes: readonly FimOutcome[]): FimSummary {
    const n = outcomes.length;
    const similarity = outcomes.map((o) => o.editSimilarity);
    const latency = outcomes.map((o) => o.latencyMs);
    return {
        exactMatch: rate(outcomes.filter((o) => o.exact).length, n),
        shown: rate(outcomes.filter((o) => o.shown).length, n),
        editSimilarity: {mean: weightedMean(similarity), ci95: bootstrapInterval(n, (w) => weightedMean(similarity, w))},
        p50Ms: {value: weightedQuantile(latency, 0.5), ci95: bootstrapInterval(n, (w) => weightedQuantile(latency, 0.5, w))},
        p95Ms: weightedQuantile(latency, 0.95),
        ...workMedians(outcomes)
    };
}

function workMedians(outcomes: readonly FimOutcome[]): Pick<FimSummary, "work"> {
    const work = outcomes.flatMap((o) => o.work != null ? [o.work] : []);
    if (work.length === 0)
        return {};
    const median = (pick: (w: FimWork) => number) => weightedQuantile(work.map(pick), 0.5);
    return {work: {
        promptTokens: median((w) => w.promptTokens), promptMs: median((w) => w.promptMs),
        generatedTokens: median((w) => w.generatedTokens), generationMs: median((w) => w.generationMs)
    }};
}

function weightedMean(values: readonly number[], weights?: Uint32Array): number {
    let sum = 0;
    let count = 0;
    values.forEach((v, i) => {
        const w = weights?.[i] ?? 1;
        sum += v * w;
        count += w;
    });
    return sum / count;
}

/** The value below which `q` of the (weighted) values lie. */
export function weightedQuantile(values: readonly number[], q: number, weights?: Uint32Array): number {
    const order = values.map((v, i) => [v, weights?.[i] ?? 1] as const).filter(([, w]) => w > 0).sort((a, b) => a[0] - b[0]);
    const total = order.reduce((s, [, w]) => s + w, 0);
    let seen = 0;
    for (const [v, w] of order) {
        seen += w;
        if (seen >= q * total)
            return v;
    }
    return order.at(-1)?.[0] ?? Number.NaN;
}
