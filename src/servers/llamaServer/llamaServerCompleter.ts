import type {CompletionBackend, CompletionRequest, CompletionResult, WarmResult} from "../../completion/completionRequest";
import {DEFAULT_PROMPT_BUDGET} from "../../completion/promptTokens";
import type {PromptParts} from "../../engine/promptParts";
import type {ModelDescription} from "../../engine/modelDescription";
import {anySignal} from "../../util/abort";
import {Deadline} from "../deadline";
import {ServerHttpError, ServerNotCapableError, ServerTimeoutError} from "../serverErrors";
import type {ServerHttp, StreamItem} from "../serverHttp";
import {assumedFacts, serverModelDescription, type ServerModelFacts} from "../serverModel";
import {numberField, objectField, planServerRequest, readSuggestion, stringField, type ServerPlan, type SuggestionPart} from "../serverSuggestion";
import {TokenBudget} from "../tokenBudget";
import {readLlamaServerFacts} from "./llamaServerFacts";

const DEFAULT_MAX_TOKENS = 64;

/** Settings read on every request, so changes apply live. */
export interface ServerRequestSettings {
    /** A completion that has not finished within this many ms is given up. */
    readonly timeoutMs: number;
}

/**
 * Fill-in-the-middle completions from llama-server's `/infill`, laid out so its prompt cache stays
 * warm across keystrokes: the stable lines above the cursor go in `input_prefix`, the lines typed
 * since the anchor in `prompt`, the code below in `input_suffix`, the context ring's chunks in
 * `input_extra`, with `cache_prompt`. The server keeps the longest common prefix of the last
 * prompt, so a keystroke re-evaluates only the current line and what follows it in the prompt
 * (llama-server puts `prompt` before the suffix, the order FIM models are trained on). The
 * server's own `timings` say how many prompt tokens were evaluated and how many were reused.
 *
 * Greedy, streamed, and stopped as soon as post-processing has decided the suggestion (closing the
 * stream stops the server), so the text matches what the same model gives in-process.
 */
export class LlamaServerCompleter implements CompletionBackend {
    private facts: ServerModelFacts;
    private description: ModelDescription;
    private readonly budget: TokenBudget;

    constructor(private readonly http: ServerHttp, private readonly settings: () => ServerRequestSettings) {
        this.facts = assumedFacts(http.endpoint);
        this.description = serverModelDescription(http.endpoint, this.facts);
        this.budget = new TokenBudget((text, signal) => this.countTokens(text, signal));
    }

    get model(): ModelDescription {
        return this.description;
    }

    /** Reads the model's facts from /props and /v1/models; also the health probe (it checks the API key too). */
    async refresh(signal?: AbortSignal): Promise<ServerModelFacts> {
        const facts = await readLlamaServerFacts(this.http, {signal, timeoutMs: this.settings().timeoutMs});
        this.setFacts({...facts, hasFim: this.facts.hasFim && facts.hasFim});
        return this.facts;
    }

    async complete(request: CompletionRequest): Promise<CompletionResult> {
        const startedAt = performance.now();
        const plan = planServerRequest(request);
        return this.withBudget(request.signal, async (signal) => {
            const {fields, countParts} = await this.infillFields(request, plan, signal);
            const body = {
                ...fields,
                n_predict: request.maxTokens ?? DEFAULT_MAX_TOKENS,
                ...(request.maxTimeMs != null ? {t_max_predict_ms: request.maxTimeMs} : {}),
                stream: true,
                timings_per_token: true
            };
            const items = this.http.stream("/infill", body, {signal, timeoutMs: this.settings().timeoutMs, format: "sse"});
            const counting = countParts();
            const result = await readSuggestion(infillParts(items, request, startedAt), request, plan, startedAt, () => this.http.streamCut());
            const promptParts = await counting;
            return {...result, ...(promptParts != null ? {promptParts} : {})};
        });
    }

    /**
     * Evaluates the prompt with the lines typed since the anchor but not the current line (no
     * tokens generated), so the next keystroke on that line finds all of it but the line cached.
     */
    async warm(request: CompletionRequest): Promise<WarmResult> {
        const startedAt = performance.now();
        const plan = planServerRequest(request);
        return this.withBudget(request.signal, async (signal) => {
            const lines = plan.text.volatile.slice(0, plan.text.volatile.length - plan.text.linePrefix.length);
            const body = {...(await this.infillFields(request, plan, signal)).fields, prompt: lines, n_predict: 0};
            const answer = await this.http.postJson("/infill", body, {signal, timeoutMs: this.settings().timeoutMs});
            const timings = objectField(answer, "timings");
            return {
                promptTokensEvaluated: numberField(timings, "prompt_n") ?? 0,
                promptTokensReused: numberField(timings, "cache_n") ?? 0,
                totalMs: performance.now() - startedAt
            };
        });
    }

    /**
     * The request's parts within the prompt budgets, in /infill's fields, and how to count their
     * sizes (started while the server answers, so counting hardly delays the suggestion).
     */
    private async infillFields(
        request: CompletionRequest, plan: ServerPlan, signal: AbortSignal
    ): Promise<{fields: Record<string, unknown>; countParts: () => Promise<PromptParts | undefined>}> {
        const budget = {...DEFAULT_PROMPT_BUDGET, ...request.budget};
        const trimmed = await this.budget.trim({stable: plan.text.stable, suffix: plan.text.suffix, chunks: request.context ?? []}, budget, signal);
        // A failed count must not fail the completion: the figures are for the panel.
        const countParts = () => this.budget.parts(trimmed, plan.text.volatile, budget, signal).catch(() => undefined);
        const fields = {
            input_prefix: trimmed.stable,
            // Parsed for special tokens by the server (input_prefix and input_suffix are not): the
            // lines typed since the anchor, rarely more than a few lines.
            prompt: plan.text.volatile,
            input_suffix: trimmed.suffix,
            input_extra: trimmed.chunks.map((c) => ({filename: c.fileName, text: c.text})),
            cache_prompt: true,
            samplers: ["top_k"],
            top_k: 1
        };
        return {fields, countParts};
    }

    /** Runs `work` under the request budget; a spent budget is a timeout, a missing FIM token "not capable". */
    private async withBudget<T>(outer: AbortSignal | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
        const timeoutMs = this.settings().timeoutMs;
        const total = new Deadline(timeoutMs);
        try {
            return await work(anySignal([outer, total.signal]));
        } catch (err) {
            if (total.expired && outer?.aborted !== true)
                throw new ServerTimeoutError(this.http.label, timeoutMs, "answer");
            throw this.capability(err);
        } finally {
            total.clear();
        }
    }

    /** llama-server answers 501 to /infill when the model has no FIM tokens. */
    private capability(err: unknown): unknown {
        if (!(err instanceof ServerHttpError) || err.status !== 501)
            return err;
        this.setFacts({...this.facts, hasFim: false});
        return new ServerNotCapableError(
            `${this.facts.name} on ${this.http.label} has no fill-in-the-middle tokens, so it cannot complete code at the cursor ` +
            `(${err.message}). Start llama-server with a code model trained for FIM, for example Qwen2.5-Coder.`
        );
    }

    private async countTokens(text: string, signal?: AbortSignal): Promise<number> {
        const answer = await this.http.postJson("/tokenize", {content: text, add_special: false, parse_special: false},
            {...(signal != null ? {signal} : {}), timeoutMs: this.settings().timeoutMs});
        const tokens = answer != null && typeof answer === "object" ? (answer as {tokens?: unknown}).tokens : undefined;
        return Array.isArray(tokens) ? tokens.length : Math.ceil(text.length / 4);
    }

    private setFacts(facts: ServerModelFacts): void {
        this.facts = facts;
        this.description = serverModelDescription(this.http.endpoint, facts);
    }
}

/** /infill's streamed events as suggestion parts; `timings_per_token` puts the prompt figures in each. */
async function* infillParts(items: AsyncIterable<StreamItem>, request: CompletionRequest, startedAt: number): AsyncGenerator<SuggestionPart> {
    for await (const item of items) {
        if (item.kind !== "data")
            continue;
        const timings = objectField(item.value, "timings");
        const stats = timings == null ? undefined : {
            promptTokensEvaluated: numberField(timings, "prompt_n") ?? 0,
            promptTokensReused: numberField(timings, "cache_n") ?? 0,
            tokens: numberField(timings, "predicted_n") ?? 0,
            ...(numberField(timings, "predicted_per_second") != null ? {tokensPerSecond: numberField(timings, "predicted_per_second")!} : {})
        };
        const stopped = (item.value as {stop?: unknown}).stop === true;
        const stopType = stringField(item.value, "stop_type");
        const timeUp = request.maxTimeMs != null && performance.now() - startedAt >= request.maxTimeMs;
        yield {
            text: stringField(item.value, "content") ?? "",
            ...(stats != null ? {stats} : {}),
            ...(stopped ? {finish: stopType === "limit" ? (timeUp ? "time" : "length") : "eog"} : {})
        };
    }
}
