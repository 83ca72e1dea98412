import type {PromptParts} from "../promptParts";
import type {RequestMetricsSink} from "../requestMetrics";
import type {ChatModelSession} from "./chatModelSession";

/**
 * Times each reply of a turn and tells the panel how it went, from the sequence's own token meter
 * (tokens evaluated and generated). The prompt's parts go with the turn's first reply: later ones
 * add the turn's tool results, which are not part of the budget.
 */
export class ReplyMeter {
    private startedAt = 0;
    private firstTextAt: number | undefined;
    private input = 0;
    private output = 0;
    private parts: PromptParts | undefined;

    constructor(private readonly session: ChatModelSession, parts: PromptParts) {
        this.parts = parts;
    }

    start(): void {
        this.startedAt = performance.now();
        this.firstTextAt = undefined;
        const meter = this.session.sequence.tokenMeter;
        this.input = meter.usedInputTokens;
        this.output = meter.usedOutputTokens;
    }

    text(): void {
        this.firstTextAt ??= performance.now();
    }

    finish(sink: RequestMetricsSink | undefined): void {
        const parts = this.parts;
        this.parts = undefined;
        if (sink?.hasListeners !== true)
            return;
        const finishedAt = performance.now();
        const meter = this.session.sequence.tokenMeter;
        const evaluated = meter.usedInputTokens - this.input;
        const tokens = meter.usedOutputTokens - this.output;
        const firstAt = this.firstTextAt ?? finishedAt;
        const ttftMs = firstAt - this.startedAt;
        const decodeSeconds = (finishedAt - firstAt) / 1000;
        const promptTokens = this.session.sequence.contextTokens.length - tokens;
        sink.push({
            at: Date.now(),
            kind: "chat",
            modelFileName: this.session.loaded.description.fileName,
            ttftMs,
            promptTokensPerSecond: evaluated > 0 && ttftMs > 0 ? evaluated / (ttftMs / 1000) : null,
            tokensPerSecond: tokens > 1 && decodeSeconds > 0 ? (tokens - 1) / decodeSeconds : 0,
            promptTokensEvaluated: evaluated,
            promptTokensReused: Math.max(0, promptTokens - evaluated),
            tokens,
            totalMs: finishedAt - this.startedAt,
            ...(parts != null ? {promptParts: parts} : {})
        });
    }
}
