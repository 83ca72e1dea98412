import * as vscode from "vscode";
import {watchFile, unwatchFile, type Stats} from "node:fs";
import type {Config} from "../config";
import type {LocalEngine} from "../engine/localEngine";
import type {ModelDescription} from "../engine/engine";
import {stat} from "node:fs/promises";
import {toAbortSignal} from "../vscodeUtil/cancellation";
import {reportUserActionError} from "../vscodeUtil/errors";
import type {Logger} from "../util/logger";
import {isAbortError} from "../util/abort";

export type ModelState =
    | {readonly kind: "none"}
    | {readonly kind: "loading"; readonly path: string}
    | {readonly kind: "ready"; readonly model: ModelDescription}
    | {readonly kind: "failed"; readonly path: string; readonly message: string; readonly previous?: ModelDescription};

/**
 * Keeps the loaded model in step with the settings: loads on start and whenever a setting that
 * needs a reload changes, with a cancellable progress notification, and reports failures while
 * the previous model keeps serving.
 */
export class ModelController implements vscode.Disposable {
    private readonly stateEmitter = new vscode.EventEmitter<ModelState>();
    readonly onDidChangeState = this.stateEmitter.event;
    private currentState: ModelState = {kind: "none"};
    private pending: vscode.CancellationTokenSource | undefined;
    private watchedPath: string | undefined;
    private failure: {readonly path: string; readonly message: string} | undefined;

    constructor(
        private readonly engine: LocalEngine,
        private readonly config: Config,
        private readonly log: Logger,
        /** Prompt and decode threads for a model of this size (the measured thread policy). */
        private readonly planThreads: (modelBytes: number) => {threads: number; decodeThreads: number}
    ) {}

    get state(): ModelState {
        return this.currentState;
    }

    /**
     * Why the newest load failed, kept until a load succeeds: when a previous model keeps
     * serving, the state is "ready" again and views (the panel) show this next to it.
     */
    get lastFailure(): {readonly path: string; readonly message: string} | undefined {
        return this.failure;
    }

    /** Loads what the settings name; `userAction` decides whether failures are notifications. */
    async loadFromSettings(userAction: boolean): Promise<void> {
        const path = this.config.modelPath;
        if (path === "") {
            await this.engine.unload();
            this.unwatch();
            this.setState({kind: "none"});
            return;
        }
        await this.load(path, userAction);
    }

    async load(path: string, userAction: boolean): Promise<ModelDescription | undefined> {
        this.pending?.cancel();
        const source = new vscode.CancellationTokenSource();
        this.pending = source;
        const previous = this.engine.model;
        this.setState({kind: "loading", path});
        try {
            const model = await this.loadWithProgress(path, source.token);
            this.failure = undefined;
            this.setState({kind: "ready", model});
            this.watch(model.path);
            return model;
        } catch (err) {
            if (source.token.isCancellationRequested && this.pending !== source)
                return undefined; // superseded by a newer load, which owns the state now
            this.failure = isAbortError(err) ? undefined : {path, message: messageOf(err)};
            this.setState(previous != null
                ? {kind: "ready", model: previous}
                : {kind: "failed", path, message: isAbortError(err) ? "loading was cancelled" : messageOf(err)});
            if (userAction)
                await reportUserActionError(this.log, `Loading ${path}`, err);
            else if (!isAbortError(err))
                this.log.error(`Loading ${path}: ${messageOf(err)}`);
            return undefined;
        } finally {
            if (this.pending === source)
                this.pending = undefined;
            source.dispose();
        }
    }

    private async loadWithProgress(path: string, token: vscode.CancellationToken): Promise<ModelDescription> {
        // A missing file fails in the engine with a clear message; its size only sizes the thread plan.
        const modelBytes = await stat(path).then((info) => info.size, () => 0);
        const {threads, decodeThreads} = this.planThreads(modelBytes);
        const options = {gpu: this.config.gpu, threads, decodeThreads, contextSize: this.config.contextSize};
        return await vscode.window.withProgress(
            {location: vscode.ProgressLocation.Notification, title: `QuantPilot: loading ${shortName(path)}`, cancellable: true},
            async (progress, progressToken) => {
                const abort = toAbortSignal(progressToken);
                const outer = toAbortSignal(token);
                let reported = 0;
                try {
                    return await this.engine.load(path, options, {
                        signal: AbortSignal.any([abort.signal, outer.signal]),
                        onProgress: (fraction) => {
                            const percent = Math.round(fraction * 100);
                            progress.report({increment: percent - reported});
                            reported = percent;
                        }
                    });
                } finally {
                    abort.dispose();
                    outer.dispose();
                }
            }
        );
    }

    /**
     * A deleted model file keeps working from memory (it is memory-mapped), but the user should
     * know before the next reload fails. Polling is used because the file is usually outside the
     * workspace, where VS Code's watchers do not reach.
     */
    private watch(path: string): void {
        this.unwatch();
        this.watchedPath = path;
        watchFile(path, {interval: 5000, persistent: false}, (current: Stats) => {
            if (current.nlink === 0 && current.size === 0 && this.engine.model?.path === path) {
                this.log.warn(`The model file ${path} was deleted; the loaded copy keeps working until another model is loaded.`);
                void vscode.window.showWarningMessage(
                    `The model file ${shortName(path)} was deleted. QuantPilot keeps using the copy in memory until you pick another model.`,
                    "Select Model File…"
                ).then((choice) => choice != null ? vscode.commands.executeCommand("quantpilot.selectModelFile") : undefined);
            }
        });
    }

    private unwatch(): void {
        if (this.watchedPath != null)
            unwatchFile(this.watchedPath);
        this.watchedPath = undefined;
    }

    private setState(state: ModelState): void {
        this.currentState = state;
        this.stateEmitter.fire(state);
    }

    dispose(): void {
        this.pending?.cancel();
        this.unwatch();
        this.stateEmitter.dispose();
    }
}

function messageOf(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}

function shortName(path: string): string {
    return path.split(/[\\/]/).pop() ?? path;
}
