import type {CompletionBackend, CompletionRequest, CompletionResult} from "../completion/completionRequest";
import type {ModelDescription} from "../engine/modelDescription";
import {anySignal} from "../util/abort";
import {estimateTokens, type PromptParts} from "../engine/promptParts";
import {Deadline} from "./deadline";
import {ServerNotCapableError, ServerTimeoutError} from "./serverErrors";
import type {ServerHttp, StreamItem} from "./serverHttp";
import {assumedFacts, serverModelDescription, type ServerModelFacts} from "./serverModel";
import {planServerRequest, readSuggestion, type ServerPlan, type SuggestionPart} from "./serverSuggestion";
import type {ServerRequestSettings} from "./llamaServer/llamaServerCompleter";

/** How one kind of server does fill-in-the-middle: its request, its stream, its "cannot do this" answer. */
export interface FimProtocol {
    readonly path: string;
    readonly format: "sse" | "ndjson";
    body(request: CompletionRequest, plan: ServerPlan, model: string): unknown;
    parts(items: AsyncIterable<StreamItem>): AsyncGenerator<SuggestionPart>;
    /** The reason completions cannot work on this server, when `err` says so; undefined otherwise. */
    notCapable(err: unknown, model: string): string | undefined;
    /** Reads the model's facts; also the health probe. */
    facts(http: ServerHttp, options: {signal?: AbortSignal; timeoutMs: number}): Promise<ServerModelFacts>;
}

/**
 * Completions from a server that takes a prefix and a `suffix` in one request (Ollama's
 * /api/generate, an OpenAI-compatible /v1/completions): the same text split, streaming, early stop
 * and post-processing as llama-server; only the wire format differs (FimProtocol). These APIs have
 * no extra-context field, so the context ring is not sent.
 */
export class ServerCompleter implements CompletionBackend {
    private facts: ServerModelFacts;
    private description: ModelDescription;
    /** Set once the server said it cannot complete with a suffix: no more requests until settings change. */
    private unsupported: string | undefined;

    constructor(private readonly http: ServerHttp, private readonly protocol: FimProtocol, private readonly settings: () => ServerRequestSettings) {
        this.facts = assumedFacts(http.endpoint);
        this.description = serverModelDescription(http.endpoint, this.facts);
    }

    get model(): ModelDescription {
        return this.description;
    }

    async refresh(signal?: AbortSignal): Promise<ServerModelFacts> {
        const facts = await this.protocol.facts(this.http, {...(signal != null ? {signal} : {}), timeoutMs: this.settings().timeoutMs});
        this.setFacts({...facts, hasFim: facts.hasFim && this.unsupported == null});
        return this.facts;
    }

    async complete(request: CompletionRequest): Promise<CompletionResult> {
        if (this.unsupported != null)
            throw new ServerNotCapableError(this.unsupported);
        const startedAt = performance.now();
        const plan = planServerRequest(request);
        const timeoutMs = this.settings().timeoutMs;
        const total = new Deadline(timeoutMs);
        try {
            const signal = anySignal([request.signal, total.signal]);
            const items = this.http.stream(this.protocol.path, this.protocol.body(request, plan, this.facts.name), {signal, timeoutMs, format: this.protocol.format});
            const result = await readSuggestion(this.protocol.parts(items), request, plan, startedAt, () => this.http.streamCut());
            return {...result, promptParts: estimatedParts(plan)};
        } catch (err) {
            if (total.expired && request.signal?.aborted !== true)
                throw new ServerTimeoutError(this.http.label, timeoutMs, "answer");
            const reason = this.protocol.notCapable(err, this.facts.name);
            if (reason == null)
                throw err;
            this.unsupported = `Completions are off for ${this.http.label}: ${reason}`;
            this.setFacts({...this.facts, hasFim: false});
            throw new ServerNotCapableError(this.unsupported);
        } finally {
            total.clear();
        }
    }

    private setFacts(facts: ServerModelFacts): void {
        this.facts = facts;
        this.description = serverModelDescription(this.http.endpoint, facts);
    }
}

/**
 * These APIs take the whole prefix and suffix (no budgets, no extra context) and have no tokenize
 * endpoint, so the parts are estimated from their length; the server's template adds the rest.
 */
function estimatedParts(plan: ServerPlan): PromptParts {
    return {
        tokens: {prefix: estimateTokens(plan.text.stable + plan.text.volatile), suffix: estimateTokens(plan.text.suffix), extraContext: 0},
        caps: {},
        countedBy: "estimate"
    };
}
