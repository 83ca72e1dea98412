import * as vscode from "vscode";
import {stat} from "node:fs/promises";
import {join} from "node:path";
import {AbService} from "./ab/vscode/abService";
import {registerAssistant} from "./assistant/registerAssistant";
import {readAssistantSettings} from "./assistant/assistantSettings";
import {LocalCompleter} from "./completion/localCompleter";
import {QuantPilotInlineProvider} from "./completion/vscode/inlineProvider";
import {Config, type SettingProblem} from "./config";
import {LlamaRuntime} from "./engine/llamaRuntime";
import {LocalEngine, type LoadOptions} from "./engine/localEngine";
import {ModelHost} from "./engine/modelHost";
import {BundledLlamaSource} from "./llamaSource/bundledSource";
import type {createLog} from "./log";
import {offerRebuildWhenLocalBuildFails} from "./models/buildEngineCommand";
import {ModelController} from "./models/modelController";
import {ModelManagement} from "./models/modelManagement";
import type {ModelServices} from "./models/modelServices";
import {DEMO_MODEL_LABEL, firstRunOffer, useStarterModel} from "./models/starterOffer";
import {StatusBar} from "./models/statusBar";
import {LoraAdapters} from "./models/loraAdapters";
import {PanelHost} from "./panel/panelHost";
import {LocalChatBackend} from "./engine/chat/localChatBackend";
import {ServerJobs} from "./servers/vscode/serverJobs";
import {ThreadTuning} from "./threads/vscode/threadTuning";
import {registerLanguageModels} from "./lm/vscode/registerLanguageModels";
import {lmTestScript} from "./lm/vscode/lmTestHooks";

/**
 * Everything the extension owns, built in dependency order (each feature gets the few services it
 * uses, built before it) and disposed in reverse. Two lifetimes: the extension's (this object) and
 * the loaded model's (inside the engine, ended by every switch).
 */
export class QuantPilot implements vscode.Disposable {
    readonly storageDir: string;
    readonly config: Config;
    readonly runtime: LlamaRuntime;
    readonly engine: LocalEngine;
    readonly threads: ThreadTuning;
    /** The one owner of "which model is loaded"; commands load and unload through it. */
    readonly models: ModelController;
    /** LoRA adapters on the loaded model: commands, panel and the setting change them through `models`. */
    readonly lora: LoraAdapters;
    readonly completions: QuantPilotInlineProvider;
    /** Which server (or this process) runs completions and the assistant. */
    readonly servers: ServerJobs;
    readonly llamaSource: BundledLlamaSource;
    /** What model management, the A/B and the panel share. */
    readonly modelServices: ModelServices;
    readonly modelManagement: ModelManagement;
    readonly ab: AbService;
    readonly panel: PanelHost;
    private readonly statusBar = new StatusBar();
    private readonly disposables: vscode.Disposable[] = [];

    constructor(context: vscode.ExtensionContext, readonly log: ReturnType<typeof createLog>) {
        this.storageDir = context.globalStorageUri.fsPath;
        this.config = new Config((problem) => this.reportSettingProblem(problem));
        this.runtime = new LlamaRuntime(log, {engineBuild: this.config.engineBuild});
        this.engine = new LocalEngine(this.runtime, log, {guardStorageDir: join(this.storageDir, "model-guard")});
        this.threads = new ThreadTuning(this.engine, () => ({
            threads: this.config.threads, prompt: this.config.promptThreads, decode: this.config.decodeThreads
        }), log, this.storageDir);
        const host = new ModelHost(this.engine, (path) => this.loadOptions(path));
        this.models = new ModelController(host, this.config, log);
        this.lora = new LoraAdapters(this.models, this.config, log);
        // One in-process chat for the assistant and the language model API: one context on the model, not two.
        // Settings are read at every turn, as the server backends read them.
        const localChat = new LocalChatBackend(this.engine, () => readAssistantSettings(this.config));
        this.servers = new ServerJobs({
            config: this.config, log, secrets: context.secrets, globalState: context.globalState, requests: this.engine.requests,
            local: {completer: new LocalCompleter(this.engine), chat: localChat, model: () => this.engine.model}
        });
        this.completions = new QuantPilotInlineProvider(this.servers.completions, this.config, log, (summary) => {
            this.statusBar.setLastCompletion(summary);
            this.refreshStatus();
        });
        this.llamaSource = new BundledLlamaSource(join(this.storageDir, "cache"));
        this.modelServices = {models: this.models, config: this.config, runtime: this.runtime, log, storageDir: this.storageDir};
        this.modelManagement = new ModelManagement(this.modelServices);
        this.ab = new AbService(this.modelServices);
        this.panel = new PanelHost({...this.modelServices, engine: this.engine, ab: this.ab, servers: this.servers, lora: this.lora});
        this.disposables.push(
            this.statusBar,
            this.threads,
            offerRebuildWhenLocalBuildFails(this.engine, this.runtime, log),
            {dispose: () => host.dispose()},
            this.models,
            this.completions,
            this.modelManagement,
            this.ab,
            this.panel,
            registerAssistant(context, {chat: this.servers.chat, config: this.config, log}),
            this.servers,
            ...registerLanguageModels({
                models: this.models, chat: localChat, tokenizer: () => this.engine.loaded, log,
                maxReplyTokens: () => this.config.get("assistant.maxReplyTokens"),
                modelServices: this.modelServices, ab: this.ab,
                ...lmTestScript()
            }),
            this.models.onDidChangeState(() => {
                this.completions.resetReports();
                this.servers.localModelChanged();
                this.refreshStatus();
            }),
            this.servers.completions.onDidChangeRoute(() => this.completions.resetReports()),
            vscode.languages.registerInlineCompletionItemProvider({pattern: "**"}, this.completions),
            vscode.workspace.onDidChangeConfiguration((event) => this.onConfigChanged(event))
        );
        this.refreshStatus();
    }

    async start(): Promise<void> {
        this.config.checkAll();
        // Before the load: the host applies the adapters as the model comes up.
        await this.lora.followSettings();
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

    /** Prompt and decode threads (the measured policy), GPU and context for loading `path`. */
    private async loadOptions(path: string): Promise<LoadOptions> {
        // A missing file fails in the engine with a clear message; its size only sizes the thread plan.
        const modelBytes = await stat(path).then((info) => info.size, () => 0);
        const {threads, decodeThreads} = this.threads.loadThreads({
            build: this.runtime.engine?.build ?? "prebuilt", gpu: this.engine.model?.runtime.gpu ?? false, modelBytes
        });
        return {gpu: this.config.gpu, threads, decodeThreads, contextSize: this.config.contextSize, speculation: this.config.speculation};
    }

    private async offerFirstModel(): Promise<void> {
        const offer = firstRunOffer();
        const choice = await vscode.window.showInformationMessage(offer.message, ...offer.choices);
        if (choice != null && choice === offer.downloadLabel && offer.starter != null)
            await useStarterModel(this.modelServices, offer.starter);
        else
            await this.runMenuChoice(choice);
    }

    private async runMenuChoice(choice: string | undefined): Promise<void> {
        const commands: Record<string, string> = {
            "Select Model File…": "quantpilot.selectModelFile",
            [DEMO_MODEL_LABEL]: "quantpilot.createDemoModel",
            "Show Log": "quantpilot.showLog"
        };
        if (choice != null && commands[choice] != null)
            await vscode.commands.executeCommand(commands[choice]);
    }

    private onConfigChanged(event: vscode.ConfigurationChangeEvent): void {
        if (!Config.affects(event))
            return;
        this.config.checkAll();
        this.runtime.setEngineBuild(this.config.engineBuild);
        if (Config.needsReload(event) && !this.onlySavedLoadedModel(event))
            void this.models.loadFromSettings(true);
        else if (Config.affects(event, "lora.adapters"))
            void this.lora.followSettings();
        this.refreshStatus();
    }

    /**
     * A command that loaded a model and then saved its path (select, switch, download) changed
     * only `modelPath`, to the model already loaded: reloading it would double the switch time.
     */
    private onlySavedLoadedModel(event: vscode.ConfigurationChangeEvent): boolean {
        return !Config.needsReload(event, "modelPath") && this.config.modelPath !== "" && this.models.model?.path === this.config.modelPath;
    }

    /** A bad setting value: logged, and shown once with the setting's name and the value used instead. */
    private reportSettingProblem(problem: SettingProblem): void {
        this.log.warn(`Setting ${problem.key}: ${problem.message}`);
        void vscode.window.showWarningMessage(`QuantPilot setting ${problem.key}: ${problem.message}.`);
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
