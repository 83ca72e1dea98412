import * as vscode from "vscode";
import {join} from "node:path";
import type {ModelDescription} from "../../engine/modelDescription";
import type {ThreadPlan, ThreadSettings} from "../decideThreads";
import {ThreadTuner, type ThreadTuningFacts} from "../threadTuner";
import {isAbortError} from "../../util/abort";
import type {Logger} from "../../util/logger";

/** The thread settings as VS Code holds them (0 = choose). */
export type ThreadSettingsSource = () => ThreadSettings;

/** The model handle the tuner measures on (node-llama-cpp's LlamaModel). */
type TunableModel = Parameters<ThreadTuner["tune"]>[0];

/** What thread tuning needs of the engine (LocalEngine): the loaded model, and when it changes. */
export interface ThreadTuningEngine {
    readonly loaded: {readonly description: ModelDescription; readonly model: TunableModel} | undefined;
    onDidChangeModel(listener: (model: ModelDescription | undefined) => void): {dispose(): void};
}

/** The planner and prober of the measured thread policy (ThreadTuner). */
export type ThreadPlanner = Pick<ThreadTuner, "plan" | "tune">;

/** The extension host keeps one core for the editor itself when choosing automatically. */
const EDITOR_HEADROOM_CORES = 1;

/**
 * The measured thread policy in the extension: plans prompt and decode threads for a load, and
 * after each load measures them (a few seconds, in the background, cancelled when the model
 * changes) the first time a model of that size runs on this machine and engine.
 */
export class ThreadTuning implements vscode.Disposable {
    private pending: AbortController | undefined;
    private readonly subscription: {dispose(): void};

    constructor(
        private readonly engine: ThreadTuningEngine,
        private readonly settings: ThreadSettingsSource,
        private readonly log: Logger,
        storageDir: string,
        /** Default: the measured policy, its measurements kept in `storageDir`. */
        private readonly tuner: ThreadPlanner = new ThreadTuner({cacheFile: join(storageDir, "thread-policy.json"), log, headroom: EDITOR_HEADROOM_CORES})
    ) {
        this.subscription = engine.onDidChangeModel((model) => void this.onModel(model));
    }

    /** Thread counts for loading a model of `modelBytes`: what LoadOptions.threads / decodeThreads take. */
    loadThreads(facts: ThreadTuningFacts): {threads: number; decodeThreads: number} {
        const plan = this.tuner.plan(this.settings(), facts);
        return {threads: plan.prompt, decodeThreads: plan.decode};
    }

    /** "QuantPilot: Measure Threads": measures again now, with a cancellable progress notification. */
    async measureNow(): Promise<void> {
        const loaded = this.engine.loaded;
        if (loaded == null) {
            void vscode.window.showInformationMessage("Load a model first: threads are measured on the model in use.");
            return;
        }
        await vscode.window.withProgress(
            {location: vscode.ProgressLocation.Notification, title: "QuantPilot: measuring thread counts", cancellable: true},
            async (_progress, token) => {
                const controller = this.restart();
                token.onCancellationRequested(() => controller.abort());
                const result = await this.tune(loaded.description, loaded.model, controller.signal, true);
                if (result != null)
                    void vscode.window.showInformationMessage(`QuantPilot threads: prompt ${result.prompt} (${result.why.prompt}), decode ${result.decode} (${result.why.decode}).`);
            }
        );
    }

    private async onModel(model: ModelDescription | undefined): Promise<void> {
        this.pending?.abort();
        const loaded = this.engine.loaded;
        if (model == null || loaded == null)
            return;
        await this.tune(model, loaded.model, this.restart().signal, false);
    }

    private async tune(model: ModelDescription, llamaModel: TunableModel, signal: AbortSignal, force: boolean): Promise<ThreadPlan | undefined> {
        const facts = {build: model.runtime.build, gpu: model.runtime.gpu, modelBytes: model.sizeBytes};
        try {
            const result = await this.tuner.tune(llamaModel, this.settings(), facts, {signal, force});
            for (const note of result.plan.notes)
                void vscode.window.showWarningMessage(`QuantPilot: ${note}.`);
            return result.plan;
        } catch (err) {
            if (isAbortError(err) || signal.aborted)
                this.log.info("Threads: measuring was cancelled; the counts in use stay as they are.");
            else
                this.log.warn(`Threads: measuring failed (${err instanceof Error ? err.message : String(err)}); the counts in use stay as they are.`);
            return undefined;
        }
    }

    private restart(): AbortController {
        this.pending?.abort();
        this.pending = new AbortController();
        return this.pending;
    }

    dispose(): void {
        this.pending?.abort();
        this.subscription.dispose();
    }
}
