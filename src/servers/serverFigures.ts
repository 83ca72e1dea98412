/** A server's live figures for the panel; null where the server does not say. */
export interface ServerFigures {
    /** Average generation throughput the server reports (llama-server's /metrics). */
    readonly tokensPerSecond: number | null;
    /** Average prompt throughput. */
    readonly promptTokensPerSecond: number | null;
    /** Tokens held in the KV cache over all slots, and the slots' total context. */
    readonly kvTokens: number | null;
    readonly kvCapacity: number | null;
    /** Slots processing a request now, of all slots. */
    readonly slotsBusy: number | null;
    readonly slotsTotal: number | null;
    /** Requests waiting for a free slot. */
    readonly requestsWaiting: number | null;
    /** Something the user should know about the figures (an endpoint turned off on the server). */
    readonly note: string | null;
}

export const NO_FIGURES: ServerFigures = {
    tokensPerSecond: null, promptTokensPerSecond: null, kvTokens: null, kvCapacity: null,
    slotsBusy: null, slotsTotal: null, requestsWaiting: null, note: null
};

/**
 * The samples of a Prometheus text exposition (`name{labels} value`), by metric name, labels
 * ignored. Four gauges are all the panel reads, so this stays a few lines instead of a library.
 */
export function parsePrometheusText(text: string): Map<string, number> {
    const values = new Map<string, number>();
    for (const line of text.split("\n")) {
        const trimmed = line.trim();
        if (trimmed === "" || trimmed.startsWith("#"))
            continue;
        const match = /^([A-Za-z_:][\w:]*)(?:\{[^}]*\})?\s+(\S+)/.exec(trimmed);
        const value = match != null ? Number(match[2]) : NaN;
        if (match != null && Number.isFinite(value))
            values.set(match[1]!, value);
    }
    return values;
}
