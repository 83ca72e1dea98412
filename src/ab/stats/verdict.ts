import type {CandidateResult, ReferenceResult} from "../report/abReport";
import {interval, percent, points, ratio, sig} from "../report/numberFormat";
import type {PairedBinaryAnalysis} from "./pairedOutcomes";

/**
 * One line in plain words, e.g. "Q4_K_M: 3.1× smaller, 2.4× faster decoding, KLD 0.031
 * [0.027, 0.035], same top token 92.0 % (close to the reference) — FIM exact match unchanged
 * (inconclusive, n=60)". Parts whose metric was not run are left out.
 */
export function verdictLine(reference: ReferenceResult, candidate: Omit<CandidateResult, "verdict">): string {
    const label = candidate.model.fileType ?? candidate.model.fileName;
    const parts = [sizePart(reference, candidate), speedPart(reference, candidate), qualityPart(candidate)].filter((p): p is string => p != null);
    const tasks = taskParts(candidate);
    return `${label}: ${parts.join(", ")}${tasks.length > 0 ? ` \u2014 ${tasks.join("; ")}` : ""}`;
}

function sizePart(reference: ReferenceResult, candidate: Omit<CandidateResult, "verdict">): string {
    const r = reference.model.sizeBytes / candidate.model.sizeBytes;
    if (Math.abs(r - 1) < 0.02)
        return "same size";
    return r > 1 ? `${ratio(r)} smaller` : `${ratio(1 / r)} larger`;
}

function speedPart(reference: ReferenceResult, candidate: Omit<CandidateResult, "verdict">): string | undefined {
    const ref = reference.speed?.tgTokensPerSecond;
    const cand = candidate.speed?.tgTokensPerSecond;
    if (ref == null || cand == null || !(ref.median > 0) || !(cand.median > 0))
        return undefined;
    // Overlapping ranges of repeated runs: the difference is within the noise.
    if (cand.min <= ref.max && ref.min <= cand.max)
        return `decoding speed within noise (n=${cand.n})`;
    const r = cand.median / ref.median;
    return r >= 1 ? `${ratio(r)} faster decoding` : `${ratio(1 / r)} slower decoding`;
}

function qualityPart(candidate: Omit<CandidateResult, "verdict">): string | undefined {
    const q = candidate.quality;
    if (q == null)
        return undefined;
    return `KLD ${sig(q.kld.mean)} ${interval(q.kld.ci95)}, same top token ${percent(q.sameTop1.rate)} (${closeness(q.kld.mean)})`;
}

/** Rough bands for mean KLD per token, in nats, as llama.cpp users read them. */
function closeness(kld: number): string {
    if (kld < 0.005)
        return "practically identical to the reference";
    if (kld < 0.02)
        return "very close to the reference";
    if (kld < 0.1)
        return "close to the reference";
    if (kld < 0.5)
        return "noticeably different from the reference";
    return "far from the reference";
}

function taskParts(candidate: Omit<CandidateResult, "verdict">): string[] {
    const parts: string[] = [];
    const tasks = candidate.tasks;
    if (tasks?.fim != null)
        parts.push(`FIM exact match ${change(tasks.fim.exactMatch)}`);
    if (tasks?.functionCalling.status === "measured")
        parts.push(`function calling ${change(tasks.functionCalling.accuracy)}`);
    if (tasks?.safety != null) {
        const s = tasks.safety;
        parts.push(`refusals of harmful requests ${change(s.shouldRefuse)}, ${s.flips} of ${s.n} safety answers flipped`);
    }
    return parts;
}

function change(a: PairedBinaryAnalysis): string {
    if (a.conclusion === "inconclusive")
        return a.difference === 0
            ? `unchanged (inconclusive, n=${a.n})`
            : `unchanged (inconclusive: ${points(a.difference)} points ${intervalPoints(a)}, n=${a.n})`;
    const direction = a.conclusion === "worse" ? "down" : "up";
    return `${direction} ${Math.abs(a.difference * 100).toFixed(1)} points ${intervalPoints(a)} (n=${a.n}, McNemar p=${sig(a.mcnemarP, 2)})`;
}

function intervalPoints(a: PairedBinaryAnalysis): string {
    return `[${points(a.differenceCi95[0])}, ${points(a.differenceCi95[1])}]`;
}
