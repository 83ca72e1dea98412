import type {PromptParts} from "./promptParts";
import type {SpeculationStats} from "./speculative/speculation";

/** How one request to the model went: what the panel charts and lists. */
export interface RequestMetrics {
    /** Epoch milliseconds when it finished. */
    readonly at: number;
    /** What asked: an inline completion (or its idle-time prefetch), or the assistant. */
    readonly kind: "completion" | "chat";
    readonly modelFileName: string;
    /** From the request to the first generated token, including waiting for the model. */
    readonly ttftMs: number;
    /** Prompt tokens evaluated per second of time to first token; null when none were evaluated. */
    readonly promptTokensPerSecond: number | null;
    /** Generated tokens per second after the first. */
    readonly tokensPerSecond: number;
    readonly promptTokensEvaluated: number;
    readonly promptTokensReused: number;
    readonly tokens: number;
    readonly totalMs: number;
    /** How guessing ahead (speculative decoding) went, when the request used the in-process engine. */
    readonly speculation?: SpeculationStats;
    /** The prompt by part with its caps, when the request's prompt was laid out by QuantPilot. */
    readonly promptParts?: PromptParts;
}

type Listener = (metrics: RequestMetrics) => void;

/**
 * The engine tells whoever listens (the panel) how each request went. Listeners are called
 * synchronously after the result exists and must be quick; one that throws is not the
 * request's problem, so the error is swallowed.
 */
export class RequestMetricsSink {
    private readonly listeners = new Set<Listener>();

    onRequest(listener: Listener): {dispose(): void} {
        this.listeners.add(listener);
        return {dispose: () => this.listeners.delete(listener)};
    }

    push(metrics: RequestMetrics): void {
        for (const listener of this.listeners) {
            try {
                listener(metrics);
            } catch {
                // A broken view must never fail a completion.
            }
        }
    }

    get hasListeners(): boolean {
        return this.listeners.size > 0;
    }
}
