import * as vscode from "vscode";
import {readAssistantSettings} from "../../assistant/assistantSettings";
import type {CompletionBackend} from "../../completion/completionRequest";
import type {Config} from "../../config";
import type {ChatBackend} from "../../engine/chat/chatBackend";
import type {ModelDescription} from "../../engine/modelDescription";
import type {RequestMetricsSink} from "../../engine/requestMetrics";
import type {BackendsView, JobPlacementView, ServerFiguresView} from "../../panel/protocol";
import type {Logger} from "../../util/logger";
import {ChatRouter} from "../chatRouter";
import {CompletionRouter} from "../completionRouter";
import {ServerConnection} from "../serverConnection";
import {NO_FIGURES} from "../serverFigures";
import {apiKeyId, describeEndpoint, isPlainHttpToAnotherMachine, LOCAL_BACKEND, type ServerEndpoint} from "../serverEndpoint";
import {ApiKeys} from "./apiKeys";
import {ServerStatusItem} from "./serverStatusItem";

/** What the server jobs need, built before them. */
export interface ServerJobsServices {
    readonly config: Config;
    readonly log: Logger;
    readonly secrets: vscode.SecretStorage;
    readonly globalState: vscode.Memento;
    /** The in-process completer and chat: what runs when no server is chosen, and the completions' fallback. */
    readonly local: {readonly completer: CompletionBackend; readonly chat: ChatBackend; model(): ModelDescription | undefined};
    /** Where the panel hears how each request went. */
    readonly requests: RequestMetricsSink;
}

type Job = "completions" | "assistant";

const WARNED_KEY = "quantpilot.servers.plainHttpWarned";
/** Server figures are fetched at most this often, however often the panel asks. */
const FIGURES_MAX_AGE_MS = 2000;

/**
 * Which server each job runs on, from the user's settings: builds the connections, hands them to
 * the completion and chat routers (which the inline provider and the Assistant view were given),
 * keeps the status item and the panel's "Where it runs" up to date, and says once about plain
 * http to another machine and about a backend name no endpoint has.
 */
export class ServerJobs implements vscode.Disposable {
    readonly completions: CompletionRouter;
    readonly chat: ChatRouter;
    private readonly keys: ApiKeys;
    private readonly status = new ServerStatusItem();
    private completionServer: ServerConnection | undefined;
    private chatServer: ServerConnection | undefined;
    private applied: Record<Job, string> = {completions: "", assistant: ""};
    private readonly reported = new Set<string>();
    private readonly listeners = new Set<() => void>();
    private figures: {at: number; value: Promise<ServerFiguresView[]>} | undefined;
    private readonly disposables: vscode.Disposable[] = [];

    constructor(private readonly services: ServerJobsServices) {
        this.keys = new ApiKeys(services.secrets);
        this.completions = new CompletionRouter(services.local.completer, services.log, {}, services.requests);
        this.chat = new ChatRouter(services.local.chat);
        const route = this.completions.onDidChangeRoute(() => this.changed());
        const chat = this.chat.onDidChangeModel(() => this.changed());
        this.disposables.push(
            this.status,
            {dispose: () => route.dispose()},
            {dispose: () => chat.dispose()},
            vscode.workspace.onDidChangeConfiguration((event) => {
                if (["completions.backend", "assistant.backend", "servers.endpoints"].some((key) => event.affectsConfiguration(`quantpilot.${key}`)))
                    this.apply(false);
            }),
            // A new key for a server in use: connect again, so the next request and health check send it.
            this.keys.onDidChange((id) => {
                if ([this.completionServer, this.chatServer].some((s) => s != null && apiKeyId(s.endpoint) === id))
                    this.apply(true);
            })
        );
        this.apply(false);
    }

    onDidChange(listener: () => void): {dispose(): void} {
        this.listeners.add(listener);
        return {dispose: () => this.listeners.delete(listener)};
    }

    /** The command QuantPilot: Set or Clear Server API Key…. */
    setApiKey(): Promise<void> {
        return this.keys.setOrClear(this.services.config.get("servers.endpoints"));
    }

    /** Where each job runs, and the figures of the servers in use (fetched at most every 2 s). */
    async view(): Promise<BackendsView> {
        const now = Date.now();
        if (this.figures == null || now - this.figures.at > FIGURES_MAX_AGE_MS)
            this.figures = {at: now, value: this.readFigures()};
        return {jobs: [this.placement("completions"), this.placement("assistant")], servers: await this.figures.value};
    }

    /** The in-process model changed (the completions' fallback may now exist or not). */
    localModelChanged(): void {
        this.changed();
    }

    private apply(force: boolean): void {
        const endpoints = this.services.config.get("servers.endpoints");
        const completions = this.resolve("completions", endpoints);
        const assistant = this.resolve("assistant", endpoints);
        if (force || JSON.stringify(completions ?? null) !== this.applied.completions) {
            this.applied.completions = JSON.stringify(completions ?? null);
            this.completionServer = completions != null ? this.connect(completions) : undefined;
            this.completions.use(this.completionServer?.completions);
        }
        if (force || JSON.stringify(assistant ?? null) !== this.applied.assistant) {
            this.applied.assistant = JSON.stringify(assistant ?? null);
            this.chatServer = assistant != null ? this.connect(assistant) : undefined;
            const chat = this.chatServer?.chat(() => readAssistantSettings(this.services.config));
            this.chat.use(chat);
            void chat?.refresh().catch((err: unknown) => this.services.log.warn(`Assistant: ${err instanceof Error ? err.message : String(err)}`));
        }
        this.figures = undefined;
        this.changed();
    }

    /** The endpoint a job's setting names; undefined for "local" or a name no endpoint has (said once). */
    private resolve(job: Job, endpoints: readonly ServerEndpoint[]): ServerEndpoint | undefined {
        const name = this.services.config.get(`${job}.backend`);
        if (name === LOCAL_BACKEND || name === "")
            return undefined;
        const endpoint = endpoints.find((e) => e.name === name);
        if (endpoint == null) {
            this.once(`missing:${job}:${name}`, `quantpilot.${job}.backend is "${name}", but quantpilot.servers.endpoints has no server with that name, ` +
                `so ${job === "completions" ? "completions run" : "the assistant runs"} in this process.`);
            return undefined;
        }
        void this.warnPlainHttp(endpoint);
        return endpoint;
    }

    private connect(endpoint: ServerEndpoint): ServerConnection {
        const config = this.services.config;
        this.services.log.info(`Servers: connecting to ${describeEndpoint(endpoint)}`);
        return new ServerConnection(endpoint, () => this.keys.get(endpoint), () => ({
            completionMs: config.get("servers.completionTimeoutMs"), chatMs: config.get("servers.chatTimeoutMs")
        }));
    }

    private placement(job: Job): JobPlacementView {
        const server = job === "completions" ? this.completionServer : this.chatServer;
        const local = this.services.local.model();
        if (server == null)
            return {
                job, where: "This process", kind: "local", url: null, model: local?.fileName ?? null, state: "ok", detail: null,
                quantizationSwitch: {available: local != null, reason: local == null ? "No model is loaded in this process." : null}
            };
        const route = this.completions.route;
        const failing = job === "completions" && route.kind !== "server" && route.kind !== "local" ? route : undefined;
        const model = job === "completions" ? server.completions.backend.model?.fileName : this.chat.model?.fileName;
        return {
            job, where: server.endpoint.name, kind: server.endpoint.kind, url: server.endpoint.url, model: model ?? null,
            state: failing?.kind ?? "ok", detail: failing?.reason ?? null, quantizationSwitch: server.quantizationSwitch()
        };
    }

    private async readFigures(): Promise<ServerFiguresView[]> {
        const servers = new Map<string, ServerConnection>();
        for (const server of [this.completionServer, this.chatServer])
            if (server != null)
                servers.set(server.endpoint.name, server);
        return Promise.all([...servers.values()].map(async (server) => ({
            name: server.endpoint.name, url: server.endpoint.url,
            ...await server.figures().catch((err: unknown) => ({...NO_FIGURES, note: err instanceof Error ? err.message : String(err)}))
        })));
    }

    /** Says once per server address that code would cross the network unencrypted. */
    private async warnPlainHttp(endpoint: ServerEndpoint): Promise<void> {
        if (!isPlainHttpToAnotherMachine(endpoint))
            return;
        const key = `${endpoint.name}@${new URL(endpoint.url).origin}`;
        const warned = this.services.globalState.get<string[]>(WARNED_KEY, []);
        if (warned.includes(key) || this.reported.has(key))
            return;
        this.reported.add(key);
        await this.services.globalState.update(WARNED_KEY, [...warned, key]);
        const message = `QuantPilot sends your code to ${describeEndpoint(endpoint)} over plain http: anyone on the network between can read it, ` +
            "and the API key too. Prefer https (a reverse proxy in front of the server) or an SSH tunnel to 127.0.0.1.";
        this.services.log.warn(message);
        void vscode.window.showWarningMessage(message);
    }

    private once(key: string, message: string): void {
        if (this.reported.has(key))
            return;
        this.reported.add(key);
        this.services.log.warn(message);
        void vscode.window.showWarningMessage(message);
    }

    private changed(): void {
        this.status.update(this.completions.route, this.chatServer?.endpoint.name);
        for (const listener of this.listeners)
            listener();
    }

    dispose(): void {
        this.completions.dispose();
        void this.chat.dispose();
        this.listeners.clear();
        for (const d of this.disposables.splice(0).reverse())
            d.dispose();
    }
}
