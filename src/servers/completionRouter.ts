import type {CompletionBackend, CompletionRequest, CompletionResult, WarmResult} from "../completion/completionRequest";
import {completionMetrics} from "../completion/completionMetrics";
import type {ModelDescription} from "../engine/modelDescription";
import type {RequestMetricsSink} from "../engine/requestMetrics";
import {isAbortError} from "../util/abort";
import type {Logger} from "../util/logger";
import {isServerFailure, ServerError, ServerNotCapableError} from "./serverErrors";
import {ServerHealth, type HealthOptions} from "./serverHealth";

/** A server's completions and how to check that it is back. */
export interface ServerCompletions {
    /** "gpu-box (llama-server at http://…)". */
    readonly label: string;
    readonly backend: CompletionBackend;
    /** Resolves when the server answers as it should (and with the key); the health check. */
    probe(signal: AbortSignal): Promise<unknown>;
}

/**
 * Where completions run now:
 * - `local`: no server is configured; the in-process model answers.
 * - `server`: the server answers.
 * - `fallback`: the server failed (`reason`); the in-process model answers until a health check passes.
 * - `down`: the server failed and no in-process model is loaded: no completions until it is back.
 * - `unsupported`: the server cannot complete code (no FIM); the in-process model answers if loaded.
 */
export type CompletionRoute =
    | {readonly kind: "local"}
    | {readonly kind: "server"; readonly server: string}
    | {readonly kind: "fallback" | "down" | "unsupported"; readonly server: string; readonly reason: string};

/**
 * The completion backend the pipeline (CompletionService) is given: the in-process model, or a
 * server with the in-process model as its fallback. A server that is unreachable, too slow or
 * answering errors hands completions to the in-process model (when one is loaded) and is checked
 * again with growing waits; the first passing check brings completions back to it. Without a
 * server this only forwards to the in-process completer, so that path behaves exactly as before.
 */
export class CompletionRouter implements CompletionBackend {
    private server: ServerCompletions | undefined;
    private health: ServerHealth | undefined;
    private current: CompletionRoute = {kind: "local"};
    private readonly listeners = new Set<(route: CompletionRoute) => void>();

    constructor(
        private readonly local: CompletionBackend,
        private readonly log: Logger,
        private readonly healthOptions: HealthOptions = {},
        /** Told how each server request went, like the in-process completer tells it (the panel listens). */
        private readonly requests?: RequestMetricsSink
    ) {}

    get route(): CompletionRoute {
        if (this.current.kind === "fallback" || this.current.kind === "down")
            return {...this.current, kind: this.local.model != null ? "fallback" : "down"};
        return this.current;
    }

    /** The model that answers the next request: the server's, or the in-process one while it stands in. */
    get model(): ModelDescription | undefined {
        const server = this.server;
        if (server == null || this.current.kind === "server")
            return server?.backend.model ?? this.local.model;
        return this.local.model ?? server.backend.model;
    }

    onDidChangeRoute(listener: (route: CompletionRoute) => void): {dispose(): void} {
        this.listeners.add(listener);
        return {dispose: () => this.listeners.delete(listener)};
    }

    /** Sends completions to `server` (undefined: the in-process model only). */
    use(server: ServerCompletions | undefined): void {
        this.health?.dispose();
        this.health = undefined;
        this.server = server;
        if (server != null)
            this.health = new ServerHealth((signal) => server.probe(signal), () => this.back(server), this.healthOptions);
        this.setRoute(server == null ? {kind: "local"} : {kind: "server", server: server.label});
        if (server != null)
            void this.firstCheck(server);
    }

    /** Learns the server's model facts at once, and a server that is down before the first keystroke needs it. */
    private async firstCheck(server: ServerCompletions): Promise<void> {
        const controller = new AbortController();
        try {
            await server.probe(controller.signal);
        } catch (err) {
            if (this.server === server && this.current.kind === "server" && isServerFailure(err))
                this.failed(server, err);
            else if (this.server === server && this.current.kind === "server" && !isAbortError(err))
                this.failed(server, new ServerError(`${server.label}: ${err instanceof Error ? err.message : String(err)}`));
        }
    }

    async complete(request: CompletionRequest): Promise<CompletionResult> {
        const server = this.server;
        if (server == null)
            return this.local.complete(request);
        if (this.current.kind !== "server")
            return this.standIn(server).complete(request);
        try {
            const result = await server.backend.complete(request);
            if (this.requests?.hasListeners === true)
                this.requests.push(completionMetrics(result, `${server.backend.model?.fileName ?? "model"} on ${server.label.replace(/ \(.*$/, "")}`));
            return result;
        } catch (err) {
            if (isAbortError(err) || !isServerFailure(err) || this.server !== server)
                throw err;
            this.failed(server, err);
            if (this.local.model == null)
                throw err;
            return this.local.complete(request);
        }
    }

    async warm(request: CompletionRequest): Promise<WarmResult> {
        const server = this.server;
        const backend = server == null ? this.local : this.current.kind === "server" ? server.backend : this.local;
        if (backend.warm == null)
            return {promptTokensEvaluated: 0, promptTokensReused: 0, totalMs: 0};
        try {
            return await backend.warm(request);
        } catch (err) {
            if (server != null && backend === server.backend && isServerFailure(err) && this.server === server)
                this.failed(server, err);
            throw err;
        }
    }

    dispose(): void {
        this.health?.dispose();
        this.listeners.clear();
    }

    /** While the server is failing: the in-process model, or an error that says why there is none. */
    private standIn(server: ServerCompletions): CompletionBackend {
        if (this.local.model != null)
            return this.local;
        const reason = "reason" in this.current ? this.current.reason : "it is not available";
        return {
            model: undefined,
            complete: () => Promise.reject(new ServerError(`${server.label} is not serving completions (${reason}) and no in-process model is loaded.`))
        };
    }

    private failed(server: ServerCompletions, err: ServerError | ServerNotCapableError): void {
        const kind = err instanceof ServerNotCapableError ? "unsupported" : this.local.model != null ? "fallback" : "down";
        this.log.warn(`Completions: ${err.message}` + (this.local.model != null ? " Using the in-process model meanwhile." : ""));
        this.setRoute({kind, server: server.label, reason: err.message});
        if (kind !== "unsupported")
            this.health?.failed();
    }

    private back(server: ServerCompletions): void {
        if (this.server !== server)
            return;
        this.log.info(`Completions: ${server.label} answers again; completions use it again.`);
        this.setRoute({kind: "server", server: server.label});
    }

    private setRoute(route: CompletionRoute): void {
        this.current = route;
        const shown = this.route;
        for (const listener of this.listeners)
            listener(shown);
    }
}
