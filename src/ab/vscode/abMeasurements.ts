import type {AbReport} from "../report/abReport";
import type {MeasuredView} from "../../panel/protocol";

/** Perplexity on the comparison's texts and median decode speed, per file of one report. */
export function measurementsOf(report: AbReport): Map<string, MeasuredView> {
    const views = new Map<string, MeasuredView>();
    const firstQuality = report.candidates.find((c) => c.quality != null)?.quality;
    views.set(report.reference.model.path, {
        perplexity: firstQuality?.ppl.reference ?? null,
        tokensPerSecond: report.reference.speed?.tgTokensPerSecond.median ?? null
    });
    for (const c of report.candidates)
        views.set(c.model.path, {perplexity: c.quality?.ppl.candidate ?? null, tokensPerSecond: c.speed?.tgTokensPerSecond.median ?? null});
    return views;
}
