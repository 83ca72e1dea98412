import {quantileSorted} from "simple-statistics";
import {CompletionService, type CompletionSettings, type SuggestRequest} from "../src/completion/completionService";
import {cursorContext} from "../src/completion/documentContext";
import {DEFAULT_TEXT_WINDOW, prefixLinesNeeded, type TextWindow} from "../src/completion/cursorText";
import type {CompletionBackend} from "../src/completion/completionRequest";
import {silentLogger} from "../src/util/logger";
import {TraceDocument, type TraceEvent, type TypingTrace} from "./completionTrace";

/** One answered keystroke. */
export interface Sample {
    readonly event: number;
    readonly latencyMs: number;
    /** "model", "model (prefetch taken over)" and "server" ran the model; anything else was answered without it. */
    readonly source: string;
    readonly promptTokensEvaluated: number;
    readonly generatedTokens: number;
    /** The suggestion shown (for looking into a run; not summarized). */
    readonly text: string;
}

export function documentKey(name: string): string {
    return `file:///workspace/${name}`;
}

/**
 * QuantPilot's side of the replay: the same `CompletionService` the editor's provider drives, fed
 * the way the provider and the context tracker feed it.
 */
export class QuantPilotReplay {
    readonly service: CompletionService;
    readonly document: TraceDocument;
    private shown = "";

    /** `service`: one that outlives this replay (the editor keeps one for the session). Default: a new one. */
    constructor(engine: CompletionBackend, settings: CompletionSettings, private readonly trace: TypingTrace, service?: CompletionService) {
        this.service = service ?? new CompletionService(engine, () => settings, silentLogger);
        this.document = new TraceDocument(trace.file.text);
        this.window = {...DEFAULT_TEXT_WINDOW, ...settings.window};
    }

    private readonly window: TextWindow;

    /**
     * Applies the event; returns the sample when it asked for a suggestion. The document changes
     * before the first await, so a caller that types on without awaiting replays a keystroke that
     * `signal` may cancel, as the editor cancels an inline request when the next key comes.
     */
    async step(index: number, event: TraceEvent, signal?: AbortSignal): Promise<Sample | undefined> {
        this.document.apply(event, this.shown);
        if (event.op === "visit") {
            this.visit(event.file, event.line);
            return undefined;
        }
        if (event.op === "jump") {
            this.service.cursorMoved(this.request());
            return undefined;
        }
        const startedAt = performance.now();
        const answer = await this.service.suggest(this.request(), signal);
        const latencyMs = performance.now() - startedAt;
        // A cancelled request showed nothing, so what is on screen stays.
        if (answer != null || signal == null)
            this.shown = answer?.texts[0] ?? "";
        return {
            event: index,
            latencyMs,
            // A prefetch taken over still ran the model, but started before the keystroke.
            source: answer?.headStartMs != null ? "model (prefetch taken over)" : answer?.source ?? "none",
            promptTokensEvaluated: answer?.result?.promptTokensEvaluated ?? 0,
            generatedTokens: answer?.result?.tokens ?? 0,
            text: this.shown
        };
    }

    /** The context chunks a request at the cursor uses, in llama-server's `input_extra` form. */
    chunks(): {text: string; filename: string}[] {
        const {line} = this.document.position();
        return this.service.ring.chunksFor(documentKey(this.trace.file.name), line - prefixLinesNeeded(this.window), line + this.window.linesBelow)
            .map((c) => ({text: c.text, filename: c.fileName}));
    }

    request(): SuggestRequest {
        const {line, character} = this.document.position();
        const text = cursorContext(this.document, line, character, this.window);
        return {documentKey: documentKey(this.trace.file.name), line, ...text, fileName: this.trace.file.name, repoName: this.trace.repoName};
    }

    private visit(name: string, line: number): void {
        const file = this.trace.otherFiles.find((f) => f.name === name);
        if (file == null)
            throw new Error(`trace visits unknown file ${name}`);
        const lines = file.text.split("\n");
        const start = Math.max(0, line - 32);
        this.service.ring.add({documentKey: documentKey(name), fileName: name, lines: lines.slice(start, line + 32), startLine: start, source: "visit"});
    }
}

export function percentile(values: readonly number[], p: number): number {
    return values.length === 0 ? NaN : quantileSorted([...values].sort((a, b) => a - b), p);
}

export function mean(values: readonly number[]): number {
    return values.length === 0 ? NaN : values.reduce((s, v) => s + v, 0) / values.length;
}

export function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** Summary of one side's samples. */
export function summarize(samples: readonly Sample[], modelSources: readonly string[]) {
    const latencies = samples.map((s) => s.latencyMs);
    const modelCalls = samples.filter((s) => modelSources.includes(s.source));
    const bySource: Record<string, number> = {};
    for (const s of samples)
        bySource[s.source] = (bySource[s.source] ?? 0) + 1;
    return {
        requests: samples.length,
        p50Ms: round(percentile(latencies, 0.5)),
        p95Ms: round(percentile(latencies, 0.95)),
        meanMs: round(mean(latencies)),
        promptTokensPerRequest: round(mean(samples.map((s) => s.promptTokensEvaluated))),
        promptTokensPerModelCall: round(mean(modelCalls.map((s) => s.promptTokensEvaluated))),
        generatedTokensPerModelCall: round(mean(modelCalls.map((s) => s.generatedTokens))),
        cacheHitRate: round(samples.length === 0 ? NaN : 1 - modelCalls.length / samples.length, 3),
        bySource
    };
}

export function round(value: number, digits = 1): number {
    const scale = 10 ** digits;
    return Math.round(value * scale) / scale;
}
