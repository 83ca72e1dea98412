import * as vscode from "vscode";
import {join} from "node:path";
import {runAb, type AbProgress, type AbRunOptions} from "../runner/abRun";
import type {AdapterCandidate} from "../runner/abInputs";
import {chooseThreads} from "../../threads/cpuCores";
import {AbHistory, type AbHistoryEntry} from "../report/abHistory";
import type {AbMetric, AbReport} from "../report/abReport";
import type {TextSource} from "../corpus/textSources";
import type {ModelServices} from "../../models/modelServices";

/** What the user asked for; everything else comes from the settings. */
export interface AbRequest {
    readonly referencePath: string;
    readonly referenceLabel: string;
    readonly candidatePaths: readonly string[];
    /** "Base + adapter" candidates: the file with LoRA adapters applied. Default: none. */
    readonly adapterCandidates?: readonly AdapterCandidate[];
    readonly texts: readonly TextSource[];
    readonly notes: readonly string[];
    readonly metrics?: readonly AbMetric[];
}

/** The state the panel's A/B tab shows. */
export type AbRunState =
    | {readonly kind: "idle"}
    | {readonly kind: "running"; readonly progress: AbProgress; readonly candidates: readonly string[]};

/**
 * The extension's A/B evaluation: runs one comparison at a time, keeps the history as files in
 * the extension's storage, and tells listeners (the panel) when either changes. Models are
 * loaded next to the one serving completions, in their own contexts; the editor's model is
 * never touched.
 */
export class AbService implements vscode.Disposable {
    readonly history: AbHistory;
    private state: AbRunState = {kind: "idle"};
    private running: AbortController | undefined;
    private readonly changed = new vscode.EventEmitter<void>();
    readonly onDidChange = this.changed.event;

    constructor(
        private readonly qp: Pick<ModelServices, "runtime" | "config" | "log" | "storageDir">,
        /** Runs one comparison; tests pass a fake. */
        private readonly runComparison: (options: AbRunOptions) => Promise<AbReport> = runAb
    ) {
        this.history = new AbHistory(join(qp.storageDir, "ab-history"));
    }

    get runState(): AbRunState {
        return this.state;
    }

    get isRunning(): boolean {
        return this.running != null;
    }

    /** Runs and saves a comparison; a cancel rejects with an AbortError and saves nothing. */
    async run(request: AbRequest, signal: AbortSignal, onProgress?: (p: AbProgress) => void): Promise<{report: AbReport; entry: AbHistoryEntry}> {
        if (this.running != null)
            throw new Error("An A/B comparison is already running. Wait for it, or cancel it, before starting another.");
        const controller = new AbortController();
        const abort = () => controller.abort();
        signal.addEventListener("abort", abort);
        this.running = controller;
        this.setState({kind: "running", progress: {message: "Starting\u2026", fraction: 0, secondsLeft: null, complete: false}, candidates: request.candidatePaths});
        try {
            const report = await this.runComparison(this.options(request, controller.signal, (p) => {
                onProgress?.(p);
                this.setState({kind: "running", progress: p, candidates: request.candidatePaths});
            }));
            const entry = await this.history.save(report);
            this.qp.log.info(`A/B comparison saved as ${entry.id}: ${report.candidates.map((c) => c.verdict).join(" | ")}`);
            return {report, entry};
        } finally {
            signal.removeEventListener("abort", abort);
            this.running = undefined;
            this.setState({kind: "idle"});
        }
    }

    /** Deletes a saved comparison. */
    async remove(id: string): Promise<void> {
        await this.history.remove(id);
        this.changed.fire();
    }

    /** Cancels the running comparison, if any (the panel's Cancel button). */
    cancel(): void {
        this.running?.abort();
    }

    dispose(): void {
        this.running?.abort();
        this.changed.dispose();
    }

    private options(request: AbRequest, signal: AbortSignal, onProgress: (p: AbProgress) => void): AbRunOptions {
        const budget = this.qp.config.get("ab.budgetSeconds");
        return {
            referencePath: request.referencePath,
            referenceLabel: request.referenceLabel,
            candidatePaths: request.candidatePaths,
            ...(request.adapterCandidates != null ? {adapterCandidates: request.adapterCandidates} : {}),
            runtime: this.qp.runtime,
            gpu: this.qp.config.gpu,
            threads: chooseThreads(this.qp.config.threads).threads,
            texts: request.texts,
            notes: request.notes,
            window: this.qp.config.get("ab.window"),
            budgetSeconds: budget > 0 ? budget : null,
            ...(request.metrics != null ? {metrics: request.metrics} : {}),
            completionContextSize: Math.min(this.qp.config.contextSize, 4096),
            ...(this.qp.config.get("ab.extraContextItems") > 0 ? {extraContextItems: this.qp.config.get("ab.extraContextItems")} : {}),
            cacheDir: join(this.qp.storageDir, "ab-cache"),
            signal,
            onProgress
        };
    }

    private setState(state: AbRunState): void {
        this.state = state;
        this.changed.fire();
    }
}
