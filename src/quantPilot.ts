import * as vscode from "vscode";
import {join} from "node:path";
import {Config} from "./config";
import {LlamaRuntime} from "./engine/llamaRuntime";
import {LocalEngine} from "./engine/localEngine";
import {BundledLlamaSource} from "./llamaSource/bundledSource";
import {ModelController} from "./modelController";
import {StatusBar} from "./statusBar";
import {QuantPilotInlineProvider} from "./completion/inlineProvider";
import {ModelManagement} from "./models/modelManagement";
import {PanelHost} from "./panel/panelHost";
import {AbService} from "./ab/abService";
import {ThreadTuning} from "./threadTuning";
import {offerRebuildWhenLocalBuildFails} from "./engineBuildCommand";
import type {createLog} from "./log";

/**
 * Everything the extension owns, in one place with one disposal list (the extension's lifetime).
 * The model's own lifetime (context, caches) lives in the engine and ends on every switch.
 */
export class QuantPilot implements vscode.Disposable {
    readonly config = new Config();
    readonly runtime: LlamaRuntime;
    readonly engine: LocalEngine;
    readonly models: ModelController;
    readonly statusBar = new StatusBar();
    readonly llamaSource: BundledLlamaSource;
    readonly completions: QuantPilotInlineProvider;
    /** Models view, last-used tracking, quantization leftovers (src/models/). */
    readonly modelManagement: ModelManagement;
    /** Quantization A/B comparisons and their history (src/ab/, src/engine/scoring/). */
    readonly ab: AbService;
    /** The QuantPilot panel: hardware, model memory and speed, quantization switching (src/panel/). */
    readonly panel: PanelHost;
    /** The measured thread policy: prompt and decode threads per machine and model size (src/threadTuning.ts). */
    readonly threads: ThreadTuning;
    private readonly disposables: vscode.Disposable[] = [];

    constructor(readonly log: ReturnType<typeof createLog>, readonly storageDir: string) {
        this.runtime = new LlamaRuntime(log, {engineBuild: this.config.engineBuild});
        this.engine = new LocalEngine(this.runtime, log, {guardStorageDir: join(storageDir, "model-guard")});
        this.threads = new ThreadTuning(this.engine, () => ({
            threads: this.config.threads, prompt: this.config.promptThreads, decode: this.config.decodeThreads
        }), log, storageDir);
        this.models = new ModelController(this.engine, this.config, log, (modelBytes) => this.threads.loadThreads({
            build: this.runtime.engine?.build ?? "prebuilt",
            gpu: this.engine.model?.runtime.gpu ?? false,
            modelBytes
        }));
        this.llamaSource = new BundledLlamaSource(join(storageDir, "cache"));
        this.completions = new QuantPilotInlineProvider(this.engine, this.config, log, (summary) => {
            this.statusBar.setLastCompletion(summary);
            this.refreshStatus();
        });
        this.modelManagement = new ModelManagement(this);
        this.ab = new AbService(this);
        this.panel = new PanelHost(this);
        this.disposables.push(
            this.statusBar,
            this.threads,
            offerRebuildWhenLocalBuildFails(this.engine, this.runtime, log),
            this.models,
            this.completions,
            this.modelManagement,
            this.ab,
            this.panel,
            this.models.onDidChangeState(() => {
                this.completions.resetReports();
                this.refreshStatus();
            }),
            vscode.languages.registerInlineCompletionItemProvider({pattern: "**"}, this.completions),
            vscode.workspace.onDidChangeConfiguration((event) => this.onConfigChanged(event))
        );
        this.refreshStatus();
    }

    async start(): Promise<void> {
        this.reportSettingProblems();
        if (this.config.modelPath === "") {
            this.refreshStatus();
            await this.offerFirstModel();
            return;
        }
        await this.models.loadFromSettings(false);
        const state = this.models.state;
        if (state.kind === "failed")
            void vscode.window.showWarningMessage(`QuantPilot could not load its model: ${state.message}`, "Select Model File…", "Show Log")
                .then((choice) => this.runMenuChoice(choice));
    }

    private async offerFirstModel(): Promise<void> {
        const choice = await vscode.window.showInformationMessage(
            "QuantPilot has no model yet. Pick a GGUF model file, or create a small demo model (random weights) to try it offline.",
            "Select Model File…", "Create Demo Model"
        );
        await this.runMenuChoice(choice);
    }

    private async runMenuChoice(choice: string | undefined): Promise<void> {
        const commands: Record<string, string> = {
            "Select Model File…": "quantpilot.selectModelFile",
            "Create Demo Model": "quantpilot.createDemoModel",
            "Show Log": "quantpilot.showLog"
        };
        if (choice != null && commands[choice] != null)
            await vscode.commands.executeCommand(commands[choice]);
    }

    private onConfigChanged(event: vscode.ConfigurationChangeEvent): void {
        if (!Config.affects(event))
            return;
        this.reportSettingProblems();
        this.runtime.setEngineBuild(this.config.engineBuild);
        if (Config.needsReload(event) && !this.onlySavedLoadedModel(event))
            void this.models.loadFromSettings(true);
        this.refreshStatus();
    }

    /**
     * A command that loaded a model and then saved its path (select, switch, download) changed
     * only `modelPath`, to the model already loaded: reloading it would double the switch time.
     */
    private onlySavedLoadedModel(event: vscode.ConfigurationChangeEvent): boolean {
        return !Config.needsReload(event, "modelPath") && this.config.modelPath !== "" && this.engine.model?.path === this.config.modelPath;
    }

    private reportSettingProblems(): void {
        // Reading every setting once collects the invalid ones.
        void [this.config.threads, this.config.promptThreads, this.config.decodeThreads, this.config.engineBuild, this.config.gpu, this.config.contextSize, this.config.completionMaxTokens,
            this.config.completionMaxTimeMs, this.config.completionDebounceMs];
        for (const problem of this.config.takeProblems()) {
            this.log.warn(`Setting ${problem.key}: ${problem.message}`);
            void vscode.window.showWarningMessage(`QuantPilot setting ${problem.key}: ${problem.message}.`);
        }
    }

    private refreshStatus(): void {
        this.statusBar.update(this.models.state, this.config.completionsEnabled);
    }

    dispose(): void {
        for (const d of this.disposables.splice(0).reverse())
            d.dispose();
    }

    /** Frees the model and the llama.cpp backend; awaited by deactivate. */
    async shutdown(): Promise<void> {
        this.dispose();
        await this.engine.dispose();
        await this.runtime.dispose();
    }
}
