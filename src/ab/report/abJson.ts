import type {AbReport, CandidateResult, ReferenceResult, SpeedMetrics} from "./abReport";

/**
 * The object `quantpilot ab --json` prints as its last line: the field names first
 * (rates as fractions 0–1, speed fields are medians), with intervals, sample sizes and ranges
 * next to them. Stable for scripts that gate a quantized model in CI.
 */
export function abJson(report: AbReport): Record<string, unknown> {
    return {
        reference: referenceJson(report.reference),
        candidates: report.candidates.map(candidateJson),
        window: report.settings.window,
        metrics: report.settings.metrics,
        texts: report.settings.texts,
        threads: report.settings.threads,
        backend: report.settings.backend,
        createdAt: report.createdAt,
        durationSeconds: report.durationSeconds,
        machine: report.machine,
        ...(report.extraContext != null ? {extraContext: report.extraContext} : {}),
        notes: report.notes
    };
}

function referenceJson(r: ReferenceResult): Record<string, unknown> {
    return {
        model: r.model.fileName,
        path: r.model.path,
        sizeBytes: r.model.sizeBytes,
        bitsPerWeight: r.model.bitsPerWeight,
        fileType: r.model.fileType,
        label: r.label,
        cachedWindows: r.cachedWindows,
        speed: speedJson(r.speed),
        memory: r.memory,
        energy: r.energy
    };
}

function candidateJson(c: CandidateResult): Record<string, unknown> {
    const q = c.quality;
    return {
        model: c.model.fileName,
        path: c.model.path,
        fileType: c.model.fileType,
        sizeBytes: c.model.sizeBytes,
        bitsPerWeight: c.model.bitsPerWeight,
        ...(c.model.adapters != null ? {adapters: c.model.adapters.map((a) => ({fileName: a.fileName, path: a.path, scale: a.scale}))} : {}),
        tokensScored: q?.tokensScored ?? 0,
        windows: q?.windows ?? 0,
        kld: q == null ? null : {...q.kld, method: q.kldMethod},
        sameTop1: q?.sameTop1 ?? null,
        ppl: q?.ppl ?? null,
        deltaP: q?.deltaP ?? null,
        tasks: c.tasks,
        speed: speedJson(c.speed),
        memory: c.memory,
        energy: c.energy,
        verdict: c.verdict
    };
}

function speedJson(s: SpeedMetrics | null): Record<string, unknown> | null {
    if (s == null)
        return null;
    return {
        ppTokensPerSecond: s.ppTokensPerSecond.median,
        tgTokensPerSecond: s.tgTokensPerSecond.median,
        ttftMs: s.ttftMs.median,
        ranges: {
            ppTokensPerSecond: [s.ppTokensPerSecond.min, s.ppTokensPerSecond.max],
            tgTokensPerSecond: [s.tgTokensPerSecond.min, s.tgTokensPerSecond.max],
            ttftMs: [s.ttftMs.min, s.ttftMs.max]
        },
        repetitions: s.tgTokensPerSecond.n,
        promptTokens: s.promptTokens,
        generatedTokens: s.generatedTokens,
        ttftPromptTokens: s.ttftPromptTokens,
        threads: s.threads,
        interleaved: s.interleaved,
        decodeCeiling: s.decodeCeiling
    };
}
