import * as vscode from "vscode";
import type {QuantPilot} from "./quantPilot";
import {createDemoModel} from "./models/demoModel";
import {DEMO_MODEL_LABEL} from "./models/starterOffer";
import {reportUserActionError} from "./vscodeUtil/errors";
import {compareQuantizations} from "./ab/vscode/compareQuantizationsCommand";
import {showAbHistory} from "./ab/vscode/abHistoryCommand";
import {buildEngineForThisMachine} from "./models/buildEngineCommand";
import {downloadModelCommand} from "./models/downloadCommand";
import {confirmFits} from "./models/fitPrompt";
import {quantizeModelCommand} from "./models/quantizeCommand";
import {switchQuantization} from "./models/switchQuantization";
import type {ModelNode} from "./models/modelsView";

/** `args` are what VS Code passes: a Models view node for its item menus, a path from other commands. */
type Handler = (qp: QuantPilot, ...args: unknown[]) => Promise<unknown> | unknown;

/** Command id → handler. Every id here is declared in package.json's `contributes.commands`. */
const COMMANDS: Record<string, Handler> = {
    "quantpilot.selectModelFile": selectModelFile,
    "quantpilot.createDemoModel": useDemoModel,
    "quantpilot.showLog": (qp) => qp.log.show(),
    "quantpilot.toggleInlineCompletions": toggleCompletions,
    "quantpilot.reloadModel": (qp) => qp.models.loadFromSettings(true),
    "quantpilot.unloadModel": (qp) => qp.models.unload(),
    "quantpilot.showMenu": showMenu,
    "quantpilot.buildEngine": (qp) => buildEngineForThisMachine({
        log: qp.log, storageDir: qp.storageDir, gpu: qp.config.gpu,
        modelPath: qp.models.model?.path, runningGpu: qp.models.model?.runtime.gpu ?? false
    }),
    "quantpilot.measureThreads": (qp) => qp.threads.measureNow(),
    "quantpilot.openPanel": (qp) => qp.panel.open(),
    "quantpilot.compareQuantizations": (qp, paths) => compareQuantizations(qp.modelServices, qp.ab, Array.isArray(paths) ? paths.filter((p) => typeof p === "string") : undefined),
    "quantpilot.abHistory": (qp) => showAbHistory(qp.ab),
    "quantpilot.switchQuantization": (qp) => switchQuantization(qp.modelServices),
    "quantpilot.quantizeModel": (qp, target) => quantizeModelCommand(qp.modelServices, target),
    "quantpilot.downloadModel": (qp) => downloadModelCommand(qp.modelServices),
    "quantpilot.models.refresh": (qp) => qp.modelManagement.view.refresh(),
    "quantpilot.models.load": (qp, node) => qp.modelManagement.load(node as ModelNode | undefined),
    "quantpilot.models.reveal": (qp, node) => qp.modelManagement.reveal(node as ModelNode | undefined),
    "quantpilot.models.delete": (qp, node) => qp.modelManagement.delete(node as ModelNode | undefined),
    "quantpilot.servers.setApiKey": (qp) => qp.servers.setApiKey(),
    "quantpilot.loadLoraAdapter": (qp) => qp.lora.loadFromPicker(),
    "quantpilot.unloadLoraAdapters": (qp) => qp.lora.unload()
};

export function registerCommands(qp: QuantPilot): vscode.Disposable[] {
    return Object.entries(COMMANDS).map(([id, handler]) =>
        vscode.commands.registerCommand(id, async (...args: unknown[]) => {
            try {
                return await handler(qp, ...args);
            } catch (err) {
                await reportUserActionError(qp.log, id, err);
                return undefined;
            }
        })
    );
}

async function selectModelFile(qp: QuantPilot): Promise<void> {
    // The guard's probe starts while the user looks for the file.
    qp.engine.prepareGuard(qp.config.gpu);
    const picked = await vscode.window.showOpenDialog({
        title: "Select a GGUF model",
        canSelectMany: false,
        filters: {"GGUF models": ["gguf"], "All files": ["*"]},
        openLabel: "Use Model"
    });
    const uri = picked?.[0];
    if (uri == null)
        return;
    if (!await confirmFits(qp.modelServices, uri.fsPath))
        return;
    // Load first, persist after: a file that fails to load never replaces a working setting.
    const model = await qp.models.load(uri.fsPath, true);
    if (model != null)
        await qp.config.setModelPath(uri.fsPath);
}

async function useDemoModel(qp: QuantPilot): Promise<void> {
    const path = await createDemoModel(qp.storageDir, qp.llamaSource);
    const model = await qp.models.load(path, true);
    if (model == null)
        return;
    await qp.config.setModelPath(path);
    void vscode.window.showInformationMessage(
        "QuantPilot loaded the demo model (random weights, for trying the plumbing). Its weights are random, so its suggestions are " +
        "meaningless text. Download Model… offers real ones for useful completions."
    );
}

async function toggleCompletions(qp: QuantPilot): Promise<void> {
    const enabled = !qp.config.completionsEnabled;
    await qp.config.setCompletionsEnabled(enabled);
    void vscode.window.setStatusBarMessage(`QuantPilot inline completions ${enabled ? "on" : "off"}`, 3000);
}

async function showMenu(qp: QuantPilot): Promise<void> {
    const items: Array<vscode.QuickPickItem & {command: string}> = [
        {label: "$(pulse) Open Panel (hardware, speed, quantization)", command: "quantpilot.openPanel"},
        {label: "$(file) Select Model File…", command: "quantpilot.selectModelFile"},
        {label: "$(versions) Switch Quantization…", command: "quantpilot.switchQuantization"},
        {label: "$(cloud-download) Download Model…", command: "quantpilot.downloadModel"},
        {label: "$(file-zip) Quantize Model…", command: "quantpilot.quantizeModel"},
        {label: `$(beaker) ${DEMO_MODEL_LABEL}`, command: "quantpilot.createDemoModel"},
        {label: qp.config.completionsEnabled ? "$(debug-pause) Turn Inline Completions Off" : "$(play) Turn Inline Completions On",
            command: "quantpilot.toggleInlineCompletions"},
        {label: "$(layers) Load LoRA Adapter…", command: "quantpilot.loadLoraAdapter"},
        {label: "$(refresh) Reload Model", command: "quantpilot.reloadModel"},
        {label: "$(output) Show Log", command: "quantpilot.showLog"}
    ];
    const choice = await vscode.window.showQuickPick(items, {title: "QuantPilot"});
    if (choice != null)
        await vscode.commands.executeCommand(choice.command);
}
