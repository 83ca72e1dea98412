import type {CompletionBackend, CompletionRequest, CompletionResult} from "./completionRequest";
import {isAbortError} from "../util/abort";
import type {Logger} from "../util/logger";
import {modelWork, type CompletionMetrics, type SuggestionSource} from "./completionMetrics";
import {ContextRing} from "./contextRing";
import {DEFAULT_TEXT_WINDOW, prefixLinesNeeded, splitCursorText, type TextWindow} from "./cursorText";
import type {FimLayout} from "./fimPrompt";
import type {PromptBudget} from "./promptTokens";
import {IdleWork, raceAbort, sleep} from "./idleWork";
import {continueSuggestion, SuggestionCache, type ShownSuggestion} from "./suggestionCache";
import {TypingPace} from "./typingPace";

/** Settings read on every request, so changes apply live. */
export interface CompletionSettings {
    readonly maxTokens: number;
    /** Undefined: no time budget. */
    readonly maxTimeMs?: number;
    /** Wait before asking the model when there is no typing history yet; adapted from then on. */
    readonly debounceMs: number;
    /** Suggestions computed when the user asks explicitly (to cycle through). Default 3. */
    readonly alternatives: number;
    /** Compute the suggestion that follows accepting the shown one, in idle time. */
    readonly prefetch: boolean;
    /** Most extra context chunks in the prompt (newest kept); 0 turns extra context off. Default 16. */
    readonly contextChunks?: number;
    readonly window?: Partial<TextWindow>;
    readonly budget?: Partial<PromptBudget>;
    readonly layout?: FimLayout;
}

/** A request for suggestions at a cursor position; plain data (the provider or the benchmark builds it). */
export interface SuggestRequest {
    /** The document (a URI string). */
    readonly documentKey: string;
    /** Zero-based cursor line, to leave out context chunks the prompt already shows. */
    readonly line: number;
    readonly prefix: string;
    readonly suffix: string;
    readonly fileName?: string;
    readonly repoName?: string;
    /** Asked for by the user (not typing): several suggestions, no debounce. */
    readonly explicit?: boolean;
}

export interface Suggestions {
    readonly texts: readonly string[];
    readonly source: SuggestionSource;
    readonly latencyMs: number;
    /** The model's own report, when it ran for this request. */
    readonly result?: CompletionResult;
    /** How long the model had been at it before the request: a prefetch of this position taken over. */
    readonly headStartMs?: number;
}

interface Prepared {
    readonly request: Omit<CompletionRequest, "signal">;
    readonly key: string;
    readonly contextKey: string;
}

interface Flight extends Prepared {
    readonly controller: AbortController;
    readonly promise: Promise<CompletionResult>;
    partial: string;
}

interface Prefetching {
    readonly flight: Flight;
    readonly startedAt: number;
    /** Keeps the prefetch running when idle work stops. */
    adopt(): void;
}

export interface CompletionServiceOptions {
    /** Context chunks from other files. Default: a new, empty ring. */
    readonly ring?: ContextRing;
    /** Monotonic clock in milliseconds (latency, typing pace, prefetch head start). Default: `performance.now`; tests pass a fake one. */
    readonly now?: () => number;
}

/** Recent suggestions that typing may continue. */
const SHOWN_HISTORY = 8;

/**
 * Everything between a keystroke and a suggestion that does not need VS Code: the result cache,
 * reuse while typing, one model request at a time (a new keystroke aborts the old one unless the
 * old one is already producing what was typed), adaptive debounce, and idle-time work (commit the
 * context ring and warm the cache, prefetch the suggestion after an accept). The editor's provider
 * and the benchmark both drive this class, so the benchmark measures what users get.
 */
export class CompletionService {
    readonly cache = new SuggestionCache();
    readonly ring: ContextRing;
    private readonly now: () => number;
    private readonly pace = new TypingPace();
    private readonly listeners = new Set<(metrics: CompletionMetrics) => void>();
    private readonly idle: IdleWork;
    /** Suggestions shown recently, newest first: typing may continue any of them. */
    private shown: ShownSuggestion[] = [];
    private flight: Flight | undefined;
    /** The prefetch running in idle time; the keystroke it predicted takes it over instead of aborting it. */
    private prefetching: Prefetching | undefined;

    constructor(
        private readonly engine: CompletionBackend,
        private readonly settings: () => CompletionSettings,
        private readonly log: Logger,
        options: CompletionServiceOptions = {}
    ) {
        this.ring = options.ring ?? new ContextRing();
        this.now = options.now ?? (() => performance.now());
        this.idle = new IdleWork(log);
    }

    /** The one place completion results flow through: status bar, log, panel. */
    onMetrics(listener: (metrics: CompletionMetrics) => void): {dispose(): void} {
        this.listeners.add(listener);
        return {dispose: () => this.listeners.delete(listener)};
    }

    /** Suggestions for a cursor position; undefined when `signal` aborted first. Model errors are thrown. */
    async suggest(request: SuggestRequest, signal?: AbortSignal): Promise<Suggestions | undefined> {
        const startedAt = this.now();
        const prepared = this.prepare(request);
        // Before idle work stops: a prefetch of exactly this position keeps running as this request.
        const headStartMs = this.adoptPrefetch(prepared, startedAt);
        void this.stopIdleWork();
        if (request.explicit !== true)
            this.pace.keystroke(startedAt);
        const cached = this.cache.get(prepared.key);
        if (cached != null)
            return this.answer(request, prepared, cached.suggestions, cached.prefetched ? "prefetch" : "cache", startedAt);
        const typed = this.continueShown(request, prepared);
        if (typed != null)
            return this.answer(request, prepared, typed, "typing", startedAt, {remember: false});
        const joined = await this.joinFlight(request, prepared, signal);
        if (joined != null)
            return this.answer(request, prepared, joined, "typing", startedAt);
        const debounceMs = request.explicit === true || headStartMs != null ? 0 : this.pace.debounceMs(this.settings().debounceMs);
        if (!(await sleep(debounceMs, signal)))
            return undefined;
        const result = await this.runModel(prepared, signal);
        if (result == null)
            return undefined;
        this.pace.modelLatency(this.now() - startedAt);
        return this.answer(request, prepared, result.suggestions, "model", startedAt, {result, ...(headStartMs != null ? {headStartMs} : {})});
    }

    /**
     * When the prefetch still running is for exactly this position (the user accepted before it
     * finished), makes it this request's flight instead of letting the keystroke abort it, and
     * returns how long it has been running. Undefined otherwise.
     */
    private adoptPrefetch(prepared: Prepared, now: number): number | undefined {
        const running = this.prefetching;
        if (running == null || running.flight.key !== prepared.key)
            return undefined;
        running.adopt();
        this.prefetching = undefined;
        if (this.flight != null && this.flight !== running.flight)
            this.flight.controller.abort();
        this.fly(running.flight);
        return now - running.startedAt;
    }

    /** The cursor moved without an edit (a jump): warm the prompt for the new position in idle time. */
    cursorMoved(request: SuggestRequest): void {
        this.idle.schedule(async (signal) => {
            this.commitRing();
            await this.warm(this.prepare(request), signal);
        });
    }

    /** Commits queued context chunks now (idle time). True when the prompt's context changed. */
    commitRing(): boolean {
        const changed = this.ring.commit();
        if (changed)
            this.log.debug(`completion context: ring now at version ${this.ring.version}`);
        return changed;
    }

    dispose(): void {
        void this.stopIdleWork();
        this.flight?.controller.abort();
        this.listeners.clear();
    }

    private prepare(request: SuggestRequest): Prepared {
        const settings = this.settings();
        const window = {...DEFAULT_TEXT_WINDOW, ...settings.window};
        const limit = Math.max(0, settings.contextChunks ?? 16);
        const chunks = limit === 0 ? [] : this.ring.chunksFor(request.documentKey, request.line - prefixLinesNeeded(window), request.line + window.linesBelow)
            .slice(-limit)
            .map((c) => ({fileName: c.fileName, text: c.text}));
        const count = request.explicit === true ? Math.max(1, settings.alternatives) : 1;
        const completion: Omit<CompletionRequest, "signal"> = {
            prefix: request.prefix,
            suffix: request.suffix,
            maxTokens: settings.maxTokens,
            ...(settings.maxTimeMs != null ? {maxTimeMs: settings.maxTimeMs} : {}),
            ...(request.fileName != null ? {fileName: request.fileName} : {}),
            ...(request.repoName != null ? {repoName: request.repoName} : {}),
            ...(chunks.length > 0 ? {context: chunks} : {}),
            ...(count > 1 ? {count} : {}),
            window,
            ...(settings.budget != null ? {budget: settings.budget} : {}),
            ...(settings.layout != null ? {layout: settings.layout} : {})
        };
        const contextKey = SuggestionCache.key([
            this.engine.model?.path ?? "", request.fileName ?? "", request.repoName ?? "", JSON.stringify(chunks),
            JSON.stringify({t: settings.maxTokens, ms: settings.maxTimeMs, count, window, b: settings.budget, l: settings.layout})
        ]);
        // The key covers exactly what the prompt is built from, so the whole file and a window of it agree.
        const text = splitCursorText(request.prefix, request.suffix, window);
        return {request: completion, contextKey, key: SuggestionCache.key([contextKey, text.stable, text.volatile, text.suffix])};
    }

    /**
     * If a request is in flight for an earlier position and its output so far already contains what
     * the user typed since, waits for it and returns its continuation; otherwise aborts it.
     */
    private async joinFlight(request: SuggestRequest, prepared: Prepared, signal: AbortSignal | undefined): Promise<string[] | undefined> {
        const flight = this.flight;
        if (flight == null)
            return undefined;
        if (flight.key === prepared.key)
            return undefined; // runModel waits for the very same request
        const base = {prefix: flight.request.prefix, suffix: flight.request.suffix, contextKey: flight.contextKey};
        const ahead = continueSuggestion({...base, suggestions: [flight.partial]}, request.prefix, request.suffix, prepared.contextKey);
        if (ahead == null) {
            flight.controller.abort();
            return undefined;
        }
        const result = await raceAbort(flight.promise, signal).catch(() => undefined);
        if (result == null)
            return undefined;
        this.remember({...base, suggestions: result.suggestions});
        return this.continueShown(request, prepared);
    }

    private async runModel(prepared: Prepared, signal: AbortSignal | undefined): Promise<CompletionResult | undefined> {
        let flight = this.flight;
        if (flight == null || flight.key !== prepared.key) {
            flight = this.startFlight(prepared, new AbortController(), false);
            this.fly(flight);
        }
        // The caller (the editor's cancellation token) may give up; the request itself lives on until
        // a keystroke that needs something else aborts it, and its answer is cached either way.
        return raceAbort(flight.promise, signal).catch((err: unknown) => {
            if (isAbortError(err))
                return undefined;
            throw err;
        });
    }

    private answer(
        request: SuggestRequest, prepared: Prepared, texts: readonly string[], source: SuggestionSource, startedAt: number,
        options: {readonly remember?: boolean; readonly result?: CompletionResult; readonly headStartMs?: number} = {}
    ): Suggestions {
        const {result, headStartMs} = options;
        const latencyMs = this.now() - startedAt;
        if (options.remember !== false)
            this.remember({prefix: request.prefix, suffix: request.suffix, contextKey: prepared.contextKey, suggestions: texts});
        this.emit({
            kind: "suggestion", source, latencyMs, suggestions: texts.length,
            ...(result != null ? {model: modelWork(result)} : {}),
            ...(headStartMs != null ? {headStartMs} : {})
        });
        if (texts.length > 0 && this.settings().prefetch)
            this.idle.schedule((signal) => this.prefetch(request, texts[0]!, signal));
        else
            this.idle.schedule(async (signal) => {
                if (this.commitRing())
                    await this.warm(this.prepare(request), signal);
            });
        return {texts, source, latencyMs, ...(result != null ? {result} : {}), ...(headStartMs != null ? {headStartMs} : {})};
    }

    /** The rest of a recently shown suggestion that the text typed since starts, if any. */
    private continueShown(request: SuggestRequest, prepared: Prepared): string[] | undefined {
        for (const shown of this.shown) {
            const rest = continueSuggestion(shown, request.prefix, request.suffix, prepared.contextKey);
            if (rest != null)
                return rest;
        }
        return undefined;
    }

    private remember(shown: ShownSuggestion): void {
        if (shown.suggestions.length === 0)
            return;
        this.shown = [shown, ...this.shown.filter((s) => s.prefix !== shown.prefix || s.suffix !== shown.suffix)].slice(0, SHOWN_HISTORY);
    }

    /** Idle time: computes and caches the suggestion for the text after accepting `suggestion`. */
    private async prefetch(request: SuggestRequest, suggestion: string, signal: AbortSignal): Promise<void> {
        const ringChanged = this.commitRing();
        const accepted: SuggestRequest = {
            ...request, explicit: false, prefix: request.prefix + suggestion, line: request.line + countNewlines(suggestion)
        };
        const prepared = this.prepare(accepted);
        if (this.cache.has(prepared.key)) {
            if (ringChanged)
                await this.warm(this.prepare(request), signal);
            return;
        }
        signal.throwIfAborted();
        // Its own controller: stopping idle work aborts it, unless a keystroke adopted it first.
        const controller = new AbortController();
        let adopted = false;
        const onIdleStop = () => adopted || controller.abort();
        signal.addEventListener("abort", onIdleStop, {once: true});
        const startedAt = this.now();
        const flight = this.startFlight(prepared, controller, true);
        this.prefetching = {flight, startedAt, adopt: () => adopted = true};
        try {
            const result = await flight.promise;
            if (adopted)
                return; // the request that adopted it caches and reports it
            this.cache.set(prepared.key, {suggestions: result.suggestions, prefetched: true});
            this.emit({kind: "prefetch", latencyMs: this.now() - startedAt, model: modelWork(result)});
        } finally {
            signal.removeEventListener("abort", onIdleStop);
            if (this.prefetching?.flight === flight)
                this.prefetching = undefined;
        }
    }

    /** Starts the model on `prepared`, recording its output so far in `partial`. */
    private startFlight(prepared: Prepared, controller: AbortController, background: boolean): Flight {
        const flight: Flight = {
            ...prepared, controller, partial: "",
            promise: this.engine.complete({
                ...prepared.request, signal: controller.signal, ...(background ? {background} : {}), onText: (raw) => flight.partial = raw
            })
        };
        return flight;
    }

    /** Makes `flight` the request in flight until it ends; its answer goes to the cache. */
    private fly(flight: Flight): void {
        this.flight = flight;
        flight.promise.then((result) => this.cache.set(flight.key, {suggestions: result.suggestions, prefetched: false}), () => undefined)
            .finally(() => this.flight === flight && (this.flight = undefined));
    }

    private async warm(prepared: Prepared, signal: AbortSignal): Promise<void> {
        if (this.engine.warm == null || this.engine.model?.hasFim !== true)
            return;
        const result = await this.engine.warm({...prepared.request, signal});
        this.emit({
            kind: "warm-up", latencyMs: result.totalMs,
            model: {promptTokens: result.promptTokensEvaluated + result.promptTokensReused, ...result, tokens: 0, tokensPerSecond: 0, stopReason: "warm"}
        });
    }

    /** Stops idle-time work (a keystroke does this itself); resolves once the work has ended. */
    stopIdleWork(): Promise<void> {
        return this.idle.stop();
    }

    private emit(metrics: CompletionMetrics): void {
        for (const listener of this.listeners)
            listener(metrics);
    }
}

function countNewlines(text: string): number {
    let count = 0;
    for (const c of text)
        if (c === "\n")
            count++;
    return count;
}
