import type {AbReport} from "./abReport";

/** One point of a chart, with its interval (bootstrap CI or min–max range). */
export interface ChartPoint {
    readonly label: string;
    readonly sizeBytes: number;
    readonly bitsPerWeight: number;
    readonly value: number;
    readonly low: number;
    readonly high: number;
    readonly isReference: boolean;
}

/** What the panel's A/B tab plots: quality against size and speed against size. */
export interface AbChartSeries {
    /** Mean KLD (nats) against file size; the reference sits at 0. */
    readonly kldVsSize: readonly ChartPoint[];
    readonly sameTop1VsSize: readonly ChartPoint[];
    /** Decode tokens/s (median, range) against file size. */
    readonly tgVsSize: readonly ChartPoint[];
    readonly ppVsSize: readonly ChartPoint[];
}

export function chartSeries(report: AbReport): AbChartSeries {
    const ref = report.reference;
    const refPoint = (value: number) => ({
        label: ref.model.fileType ?? ref.model.fileName, sizeBytes: ref.model.sizeBytes, bitsPerWeight: ref.model.bitsPerWeight,
        value, low: value, high: value, isReference: true
    });
    const point = (c: (typeof report.candidates)[number], value: number, low: number, high: number): ChartPoint => ({
        label: c.model.fileType ?? c.model.fileName, sizeBytes: c.model.sizeBytes, bitsPerWeight: c.model.bitsPerWeight,
        value, low, high, isReference: false
    });
    const withQuality = report.candidates.filter((c) => c.quality != null);
    const speedOf = (pick: "tgTokensPerSecond" | "ppTokensPerSecond") => [
        ...(ref.speed != null ? [{...refPoint(ref.speed[pick].median), low: ref.speed[pick].min, high: ref.speed[pick].max}] : []),
        ...report.candidates.filter((c) => c.speed != null).map((c) =>
            point(c, c.speed![pick].median, c.speed![pick].min, c.speed![pick].max))
    ];
    return {
        kldVsSize: withQuality.length === 0 ? [] : [refPoint(0), ...withQuality.map((c) =>
            point(c, c.quality!.kld.mean, c.quality!.kld.ci95[0], c.quality!.kld.ci95[1]))],
        sameTop1VsSize: withQuality.length === 0 ? [] : [refPoint(1), ...withQuality.map((c) =>
            point(c, c.quality!.sameTop1.rate, c.quality!.sameTop1.ci95[0], c.quality!.sameTop1.ci95[1]))],
        tgVsSize: speedOf("tgTokensPerSecond"),
        ppVsSize: speedOf("ppTokensPerSecond")
    };
}
