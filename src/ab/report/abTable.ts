import {formatBytes} from "../../util/format";
import type {AbReport, CandidateResult, EnergyMetrics, MemoryMetrics, SpeedMetrics} from "./abReport";
import {interval, percent, points, sig} from "./numberFormat";
import type {PairedBinaryAnalysis, PairedScoreAnalysis} from "../stats/pairedOutcomes";
import type {Spread} from "../stats/spread";

/** One table row: a label, then the reference's cell and each candidate's. */
export type Row = [string, ...string[]];

/**
 * The side-by-side table of a report as plain text cells: the Markdown export and the panel's
 * A/B tab draw the same rows. Every estimate carries its interval, every timing its range and n.
 */
export function abTable(report: AbReport): {header: Row; rows: Row[]} {
    const ref = report.reference;
    const header: Row = ["", `${ref.model.fileType ?? ref.model.fileName} (reference)`,
        ...report.candidates.map((c) => c.model.fileType ?? c.model.fileName)];
    return {header, rows: [...fileRows(report), ...qualityRows(report), ...taskRows(report), ...speedRows(report), ...memoryRows(report)]};
}

function fileRows(report: AbReport): Row[] {
    const all = [report.reference.model, ...report.candidates.map((c) => c.model)];
    return [
        ["File", ...all.map((m) => m.fileName)],
        ["Size", ...all.map((m) => formatBytes(m.sizeBytes))],
        ["Bits per weight", ...all.map((m) => m.bitsPerWeight.toFixed(2))]
    ];
}

function qualityRows(report: AbReport): Row[] {
    if (!report.candidates.some((c) => c.quality != null))
        return [];
    const cell = (f: (q: NonNullable<CandidateResult["quality"]>) => string) => report.candidates.map((c) => c.quality == null ? "\u2014" : f(c.quality));
    const first = report.candidates.find((c) => c.quality != null)!.quality!;
    return [
        ["Windows / tokens scored", `${first.windows} / ${first.tokensScored}`, ...cell((q) => `${q.windows} / ${q.tokensScored}`)],
        ["Mean KLD (nats) [95 % CI]", "0", ...cell((q) => `${sig(q.kld.mean)} ${interval(q.kld.ci95)}`)],
        ["Median / p99 KLD", "0 / 0", ...cell((q) => `${sig(q.kld.median)} / ${sig(q.kld.p99)}`)],
        ["Same top token [95 % CI]", "100 %", ...cell((q) => `${percent(q.sameTop1.rate)} ${interval(q.sameTop1.ci95, (v) => percent(v))}`)],
        ["Perplexity", sig(first.ppl.reference, 4), ...cell((q) => sig(q.ppl.candidate, 4))],
        ["ln(PPL ratio) [95 % CI]", "0", ...cell((q) => `${sig(q.ppl.lnRatio)} ${interval(q.ppl.lnRatioCi95)}`)],
        ["\u0394p p1 / median / p99", "0", ...cell((q) => `${percent(q.deltaP.p1, 2)} / ${percent(q.deltaP.median, 2)} / ${percent(q.deltaP.p99, 2)}`)]
    ];
}

function taskRows(report: AbReport): Row[] {
    const withTasks = report.candidates.filter((c) => c.tasks != null);
    if (withTasks.length === 0)
        return [];
    const first = withTasks[0]!.tasks!;
    const per = (f: (t: NonNullable<CandidateResult["tasks"]>) => string) => report.candidates.map((c) => c.tasks == null ? "\u2014" : f(c.tasks));
    const rows: Row[] = [];
    if (first.fim != null) {
        rows.push(["FIM exact match", rate(first.fim.exactMatch.referenceRate, first.fim.n), ...per((t) => t.fim == null ? "\u2014" : binary(t.fim.exactMatch))]);
        rows.push(["FIM edit similarity", sig(first.fim.editSimilarity.referenceMean), ...per((t) => t.fim == null ? "\u2014" : score(t.fim.editSimilarity))]);
    }
    if (first.safety != null) {
        rows.push(["Refuses harmful requests", rate(first.safety.shouldRefuse.referenceRate, first.safety.shouldRefuse.n),
            ...per((t) => t.safety == null ? "\u2014" : binary(t.safety.shouldRefuse))]);
        rows.push(["Answers benign controls", rate(first.safety.benignAnswered.referenceRate, first.safety.benignAnswered.n),
            ...per((t) => t.safety == null ? "\u2014" : binary(t.safety.benignAnswered))]);
    }
    rows.push(["Function calling", first.functionCalling.status === "measured" ? rate(first.functionCalling.accuracy.referenceRate, first.functionCalling.accuracy.n) : "not available",
        ...per((t) => t.functionCalling.status === "measured" ? binary(t.functionCalling.accuracy) : "not available")]);
    return rows;
}

function speedRows(report: AbReport): Row[] {
    const all: Array<SpeedMetrics | null> = [report.reference.speed, ...report.candidates.map((c) => c.speed)];
    const any = all.find((s) => s != null);
    if (any == null)
        return [];
    const cell = (f: (s: SpeedMetrics) => string) => all.map((s) => s == null ? "\u2014" : f(s)) as [string, ...string[]];
    return [
        [`Prompt t/s (${any.promptTokens} tokens)`, ...cell((s) => spread(s.ppTokensPerSecond))],
        [`Decode t/s (tg${any.generatedTokens})`, ...cell((s) => spread(s.tgTokensPerSecond))],
        [`Time to first token, ms (${any.ttftPromptTokens}-token FIM prompt)`, ...cell((s) => spread(s.ttftMs))],
        ["Decode / memory-bandwidth ceiling", ...cell((s) => s.decodeCeiling == null ? "not measured" :
            `${percent(s.decodeCeiling.fraction, 0)} of ${sig(s.decodeCeiling.ceilingTokensPerSecond)} t/s`)]
    ];
}

function memoryRows(report: AbReport): Row[] {
    const memory: Array<MemoryMetrics | null> = [report.reference.memory, ...report.candidates.map((c) => c.memory)];
    const energy: Array<EnergyMetrics | null> = [report.reference.energy, ...report.candidates.map((c) => c.energy)];
    const rows: Row[] = [];
    if (memory.some((m) => m != null)) {
        const cell = (f: (m: MemoryMetrics) => string) => memory.map((m) => m == null ? "\u2014" : f(m)) as [string, ...string[]];
        rows.push(["Weights in memory", ...cell((m) => formatBytes(m.weightsBytes))]);
        rows.push(["KV cache", ...cell((m) => `${formatBytes(m.kvCacheBytes)} (${m.contextTokens} tokens)`)]);
        rows.push(["RSS growth (measured once)", ...cell((m) => m.rssDeltaBytes == null ? "n/a" : formatBytes(m.rssDeltaBytes))]);
        if (memory.some((m) => m?.vramDeltaBytes != null))
            rows.push(["VRAM growth (measured once)", ...cell((m) => m.vramDeltaBytes == null ? "n/a" : formatBytes(m.vramDeltaBytes))]);
    }
    if (energy.some((e) => e != null))
        rows.push(["Energy per generated token", ...energy.map((e) => e == null ? "\u2014" : e.status === "measured" ?
            `${spread(e.joulesPerToken)} J (${e.source})` : "not measurable here") as [string, ...string[]]]);
    return rows;
}

function rate(value: number, n: number): string {
    return `${percent(value)} (n=${n})`;
}

function binary(a: PairedBinaryAnalysis): string {
    return `${percent(a.candidateRate)} (${points(a.difference)} pts ${interval(a.differenceCi95, points)}, ` +
        `flips \u2193${a.flips.rightToWrong} \u2191${a.flips.wrongToRight}, McNemar p=${sig(a.mcnemarP, 2)}, ${a.conclusion})`;
}

function score(a: PairedScoreAnalysis): string {
    return `${sig(a.candidateMean)} (\u0394 ${sig(a.difference)} ${interval(a.differenceCi95)}, ${a.conclusion})`;
}

function spread(s: Spread): string {
    return `${sig(s.median)} [${sig(s.min)}\u2013${sig(s.max)}] n=${s.n}`;
}

