import * as vscode from "vscode";
import {join} from "node:path";
import {Config} from "./config";
import {LlamaRuntime} from "./engine/llamaRuntime";
import {LocalEngine} from "./engine/localEngine";
import {BundledLlamaSource} from "./llamaSource/bundledSource";
import {ModelController} from "./modelController";
import {StatusBar} from "./statusBar";
import {QuantPilotInlineProvider} from "./completion/inlineProvider";
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
    private readonly disposables: vscode.Disposable[] = [];

    constructor(readonly log: ReturnType<typeof createLog>, readonly storageDir: string) {
        this.runtime = new LlamaRuntime(log);
        this.engine = new LocalEngine(this.runtime, log);
        this.models = new ModelController(this.engine, this.config, log);
        this.llamaSource = new BundledLlamaSource(join(storageDir, "cache"));
        this.completions = new QuantPilotInlineProvider(this.engine, this.config, log, (summary) => {
            this.statusBar.setLastCompletion(summary);
            this.refreshStatus();
        });
        this.disposables.push(
            this.statusBar,
            this.models,
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
        if (Config.needsReload(event))
            void this.models.loadFromSettings(true);
        this.refreshStatus();
    }

    private reportSettingProblems(): void {
        // Reading every setting once collects the invalid ones.
        void [this.config.threads, this.config.gpu, this.config.contextSize, this.config.completionMaxTokens,
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
