import * as vscode from "vscode";
import type {Config} from "../config";
import type {ModelDescription} from "../engine/modelDescription";
import type {LoadFailure, ModelHost, ModelState} from "../engine/modelHost";
import {toAbortSignal} from "../vscodeUtil/cancellation";
import {reportUserActionError} from "../vscodeUtil/errors";
import type {Logger} from "../util/logger";
import {isAbortError} from "../util/abort";
import {pollForDeletion, type DeletionWatch} from "./deletionWatch";
import type {AdapterRequest} from "../engine/lora/adapterRequest";

/**
 * The VS Code face of the model host: loads with a cancellable progress notification, reports
 * failures (as notifications when the user asked, in the log otherwise), follows the settings,
 * and warns when the loaded file is deleted. The state itself is `ModelHost`'s.
 */
export class ModelController implements vscode.Disposable {
    private watched: {readonly path: string; readonly watch: {dispose(): void}} | undefined;
    private readonly subscription: {dispose(): void};

    constructor(
        private readonly host: ModelHost,
        private readonly config: Config,
        private readonly log: Logger,
        /** How the loaded file is watched for deletion; tests pass their own. */
        private readonly watchDeletion: DeletionWatch = pollForDeletion
    ) {
        this.subscription = host.onDidChangeState((state) => this.watch(state.kind === "ready" ? state.model.path : undefined));
    }

    get state(): ModelState {
        return this.host.state;
    }

    get model(): ModelDescription | undefined {
        return this.host.model;
    }

    get lastFailure(): LoadFailure | undefined {
        return this.host.lastFailure;
    }

    onDidChangeState(listener: (state: ModelState) => void): vscode.Disposable {
        const subscription = this.host.onDidChangeState(listener);
        return new vscode.Disposable(() => subscription.dispose());
    }

    /** Loads what the settings name (or unloads when they name nothing). */
    async loadFromSettings(userAction: boolean): Promise<void> {
        const path = this.config.modelPath;
        if (path === "")
            await this.host.unload();
        else
            await this.load(path, userAction);
    }

    /** Loads `path` with a progress notification; undefined when it failed, was cancelled or superseded. */
    async load(path: string, userAction: boolean): Promise<ModelDescription | undefined> {
        try {
            return await vscode.window.withProgress(
                {location: vscode.ProgressLocation.Notification, title: `QuantPilot: loading ${shortName(path)}`, cancellable: true},
                (progress, token) => this.loadReporting(path, progress, token)
            );
        } catch (err) {
            if (userAction)
                await reportUserActionError(this.log, `Loading ${path}`, err);
            else if (!isAbortError(err))
                this.log.error(`Loading ${path}: ${err instanceof Error ? err.message : String(err)}`);
            return undefined;
        }
    }

    /** The LoRA adapters asked for, and why the newest change was refused (if it was). */
    get adapters(): {readonly wanted: readonly AdapterRequest[]; readonly failure: string | undefined} {
        return {wanted: this.host.wantedAdapters, failure: this.host.adapterFailure};
    }

    /**
     * Applies LoRA adapters (empty: none) through the host, with a progress notification. Throws
     * the refusal (the model keeps serving as it was); the caller reports it.
     */
    async setAdapters(requests: readonly AdapterRequest[]): Promise<ModelDescription | undefined> {
        const title = requests.length === 0 ? "QuantPilot: unloading LoRA adapters" : `QuantPilot: applying ${requests.map((r) => shortName(r.path)).join(", ")}`;
        return await vscode.window.withProgress({location: vscode.ProgressLocation.Window, title}, () => this.host.setAdapters(requests));
    }

    /** Frees the model now (the settings still name it, so the next start loads it again). */
    unload(): Promise<void> {
        return this.host.unload();
    }

    private async loadReporting(path: string, progress: vscode.Progress<{increment: number}>, token: vscode.CancellationToken): Promise<ModelDescription | undefined> {
        const abort = toAbortSignal(token);
        let reported = 0;
        try {
            return await this.host.load(path, {
                signal: abort.signal,
                onProgress: (fraction) => {
                    const percent = Math.round(fraction * 100);
                    progress.report({increment: percent - reported});
                    reported = percent;
                }
            });
        } finally {
            abort.dispose();
        }
    }

    /**
     * A deleted model file keeps working from memory (it is memory-mapped), but the user should
     * know before the next reload fails.
     */
    private watch(path: string | undefined): void {
        if (path === this.watched?.path)
            return;
        this.watched?.watch.dispose();
        this.watched = path == null ? undefined : {
            path,
            watch: this.watchDeletion(path, () => {
                if (this.host.model?.path === path)
                    this.warnDeleted(path);
            })
        };
    }

    private warnDeleted(path: string): void {
        this.log.warn(`The model file ${path} was deleted; the loaded copy keeps working until another model is loaded.`);
        void vscode.window.showWarningMessage(
            `The model file ${shortName(path)} was deleted. QuantPilot keeps using the copy in memory until you pick another model.`,
            "Select Model File…"
        ).then((choice) => choice != null ? vscode.commands.executeCommand("quantpilot.selectModelFile") : undefined);
    }

    dispose(): void {
        this.subscription.dispose();
        this.watch(undefined);
    }
}

function shortName(path: string): string {
    return path.split(/[\\/]/).pop() ?? path;
}
