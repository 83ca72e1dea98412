import * as vscode from "vscode";
import {join} from "node:path";
import {readModelMemory} from "../engine/modelMemory";
import type {RequestMetrics} from "../engine/requestMetrics";
import {HardwareMonitor} from "../hardware/hardwareMonitor";
import type {HardwareSnapshot} from "../hardware/hardwareSnapshot";
import {WorkerSystemSource} from "../hardware/workerSystemSource";
import type {ModelState} from "../engine/modelHost";
import {switchTo} from "../models/switchQuantization";
import type {PanelServices} from "./panelServices";
import {makeNonce, webviewPage} from "../vscodeUtil/webviewPage";
import {hardwareView, historyPoint, memoryView, modelView, pushBounded, requestView, settledSwitchView} from "./panelViews";
import type {HistoryPoint, HostMessage, LoraView, ModelMemoryView, PanelState, QuantizeView, RequestView, SwitchView, VariantsView} from "./protocol";
import {VariantSearch} from "./variantSearch";
import {AbPanelFeed} from "../ab/vscode/abPanelFeed";
import {parseWebviewMessage} from "./webviewMessages";

/** Two minutes at the default 1 Hz. */
const HISTORY_POINTS = 120;
const REQUESTS_KEPT = 60;
const QUANTIZE_COMMAND = "quantpilot.quantizeModel";
const UNQUANTIZED_TYPES = new Set(["F32", "F16", "BF16"]);

/**
 * One open QuantPilot panel: feeds its webview, runs the hardware sampler while the panel is
 * visible, and acts on what the webview asks (switch a variant, quantize, refresh).
 */
export class QuantPilotPanel implements vscode.Disposable {
    private readonly disposables: vscode.Disposable[] = [];
    private readonly monitor: HardwareMonitor;
    private readonly variantSearch: VariantSearch;
    private readonly abFeed: AbPanelFeed;
    private readonly history: HistoryPoint[] = [];
    private readonly requests: RequestView[] = [];
    private variants: VariantsView = {kind: "noModel"};
    private switching: SwitchView = {kind: "idle"};
    private switchTarget: string | undefined;
    /** "Applying x.gguf…" while an adapter change from this panel runs. */
    private loraBusy: string | null = null;
    /** The webview said `ready` since it was last (re)loaded; before that, posts would be lost. */
    private webviewReady = false;
    private disposed = false;
    private readonly disposeEmitter = new vscode.EventEmitter<void>();
    readonly onDidDispose = this.disposeEmitter.event;

    constructor(readonly panel: vscode.WebviewPanel, private readonly qp: PanelServices, extensionRoot: vscode.Uri) {
        const workerPath = join(__dirname, "hardwareWorker.js");
        this.monitor = new HardwareMonitor(
            (intervalMs) => new WorkerSystemSource({workerPath, intervalMs, onSensorDisabled: (label, message) => this.sensorDisabled(label, message)}),
            {intervalMs: qp.config.get("panel.sampleIntervalMs"), onSensorDisabled: (label, message) => this.sensorDisabled(label, message)}
        );
        this.abFeed = new AbPanelFeed(qp.ab, (ab) => this.post({type: "ab", ab}));
        this.variantSearch = new VariantSearch(qp, (found) => this.abFeed.showMeasurements(found, (variants) => {
            this.variants = variants;
            this.post({type: "variants", variants});
        }));
        this.render(extensionRoot);
        this.disposables.push(
            this.disposeEmitter,
            this.abFeed,
            panel.webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)),
            panel.onDidChangeViewState(() => this.syncSampling()),
            panel.onDidDispose(() => this.dispose()),
            this.monitor.onSnapshot((snapshot) => void this.onSnapshot(snapshot)),
            qp.models.onDidChangeState((state) => this.onModelState(state)),
            qp.engine.requests.onRequest((metrics) => this.onRequest(metrics)),
            ...(qp.servers != null ? [qp.servers.onDidChange(() => void this.postBackends())] : []),
            vscode.workspace.onDidChangeConfiguration((event) => {
                if (event.affectsConfiguration("quantpilot.panel.sampleIntervalMs"))
                    this.onIntervalChanged();
            })
        );
        this.variantSearch.search(qp.models.model?.path);
        this.syncSampling();
    }

    private render(root: vscode.Uri): void {
        const webview = this.panel.webview;
        webview.options = {enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(root, "dist")]};
        this.panel.iconPath = {light: vscode.Uri.joinPath(root, "media", "quantpilot-light.svg"), dark: vscode.Uri.joinPath(root, "media", "quantpilot-dark.svg")};
        const uri = (...parts: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(root, ...parts)).toString();
        webview.html = webviewPage({
            cspSource: webview.cspSource,
            nonce: makeNonce(),
            scriptUri: uri("dist", "panel.js"),
            styleUris: [uri("dist", "panel.css")],
            title: "QuantPilot",
            body: `<main id="app" aria-busy="true"><p class="qp-loading">Loading QuantPilot…</p></main>`
        });
    }

    private onMessage(raw: unknown): void {
        const parsed = parseWebviewMessage(raw);
        if (!parsed.ok) {
            this.qp.log.warn(`Panel: ignored a message from the webview: ${parsed.reason}`);
            return;
        }
        const message = parsed.message;
        switch (message.type) {
            case "ready":
                this.webviewReady = true;
                void this.sendState();
                break;
            case "switchModel":
                void this.switchModel(message.path);
                break;
            case "quantize":
                void this.quantize();
                break;
            case "refreshVariants":
                this.variantSearch.search(this.qp.models.model?.path);
                break;
            case "openSettings":
                void vscode.commands.executeCommand("workbench.action.openSettings", "quantpilot.panel");
                break;
            case "showLog":
                void vscode.commands.executeCommand("quantpilot.showLog");
                break;
            case "abCompare":
            case "abCancel":
            case "abSelect":
            case "abExport":
                void this.abFeed.handle(message);
                break;
            case "switchQuantization":
                void vscode.commands.executeCommand("quantpilot.switchQuantization");
                break;
            case "openServerSettings":
                void vscode.commands.executeCommand("workbench.action.openSettings", "quantpilot.servers");
                break;
            case "useAdapter":
                void this.changeAdapters(`Switching to ${fileNameOf(message.path)}…`, message.path, () => this.qp.lora.use(message.path));
                break;
            case "unloadAdapter":
                void this.changeAdapters(`Unloading ${fileNameOf(message.path)}…`, undefined, () => this.qp.lora.unload(message.path));
                break;
            case "unloadAdapters":
                void this.changeAdapters("Unloading the adapters…", undefined, () => this.qp.lora.unload());
                break;
            case "loadAdapter":
                void this.changeAdapters("Loading an adapter…", undefined, async () => {
                    await vscode.commands.executeCommand("quantpilot.loadLoraAdapter");
                });
                break;
            default:
                message satisfies never;
        }
    }

    private async sendState(): Promise<void> {
        // Await first, then read the fields: a variant list or switch that lands during these
        // awaits is posted on its own, and a snapshot taken before them would overwrite it.
        const [memory, quantize, ab, backends, lora] = await Promise.all([this.modelMemory(), this.quantizeView(), this.abFeed.view(), this.qp.servers?.view(), this.loraView()]);
        const state: PanelState = {
            sampleIntervalMs: this.monitor.interval,
            hardware: this.monitor.latest != null ? hardwareView(this.monitor.latest) : null,
            history: this.history,
            model: modelView(this.qp.models.state),
            memory,
            requests: this.requests,
            variants: this.variants,
            switching: this.switching,
            quantize,
            ab,
            ...(backends != null ? {backends} : {}),
            lora
        };
        this.post({type: "state", state});
    }

    /** Samples only while someone can see them. */
    private syncSampling(): void {
        if (this.disposed)
            return;
        if (this.panel.visible) {
            this.monitor.start();
        } else {
            this.monitor.stop();
            // A hidden webview is torn down; it says `ready` again when shown.
            this.webviewReady = false;
        }
    }

    private async onSnapshot(snapshot: HardwareSnapshot): Promise<void> {
        const point = historyPoint(snapshot);
        pushBounded(this.history, point, HISTORY_POINTS);
        this.post({type: "hardware", snapshot: hardwareView(snapshot), point, memory: await this.modelMemory()});
        // Server figures follow the panel's sampling: fetched only while the panel is visible.
        await this.postBackends();
    }

    private async postBackends(): Promise<void> {
        const backends = await this.qp.servers?.view().catch(() => undefined);
        if (backends != null)
            this.post({type: "backends", backends});
    }

    private onRequest(metrics: RequestMetrics): void {
        const request = requestView(metrics, this.monitor.running ? this.monitor.latest : undefined);
        pushBounded(this.requests, request, REQUESTS_KEPT);
        this.post({type: "request", request});
    }

    private onModelState(state: ModelState): void {
        this.settleSwitch(state);
        // The state is read after the await, so a slow memory figure cannot post an older state over a newer one.
        void this.modelMemory().then((memory) => this.post({type: "model", model: modelView(this.qp.models.state), memory}));
        // While loading, the old list stays: the old model serves until the new one is ready.
        if (state.kind !== "loading")
            this.variantSearch.search(this.qp.models.model?.path);
        void this.postLora();
    }

    /**
     * Runs an adapter change asked for in the panel. `listed`: a path the webview sent, which must
     * be one the host offered. The model state change posts the result; refusals come back as `failure`.
     */
    private async changeAdapters(busy: string, listed: string | undefined, change: () => Promise<void>): Promise<void> {
        if (this.loraBusy != null)
            return;
        if (listed != null && !(await this.qp.lora.known()).some((a) => a.path === listed)) {
            this.qp.log.warn(`Panel: ignored a switch to adapter ${listed}: it is not one the panel listed`);
            return;
        }
        this.loraBusy = busy;
        await this.postLora();
        try {
            await change();
        } finally {
            this.loraBusy = null;
            await this.postLora();
        }
    }

    private async loraView(): Promise<LoraView> {
        const known = await this.qp.lora.known().catch(() => []);
        return {known: known.map((a) => ({path: a.path, fileName: a.fileName})), busy: this.loraBusy, failure: this.qp.models.adapters.failure ?? null};
    }

    private async postLora(): Promise<void> {
        this.post({type: "lora", lora: await this.loraView()});
    }

    private async switchModel(path: string): Promise<void> {
        const variant = this.variants.kind === "ready" ? this.variants.variants.find((v) => v.path === path) : undefined;
        if (variant == null) {
            this.qp.log.warn(`Panel: ignored a switch to ${path}: it is not one of the variants the panel listed`);
            return;
        }
        if (variant.isCurrent || this.switchTarget != null)
            return;
        this.switchTarget = path;
        this.setSwitching({kind: "switching", fileName: variant.fileName});
        const switched = await switchTo(this.qp, path);
        // A declined memory warning changes no state; a state change has settled everything else.
        if (this.switchTarget === path && !switched)
            this.settleSwitch(this.qp.models.state);
    }

    /** Ends a pending switch once the model state says how it went. */
    private settleSwitch(state: ModelState): void {
        const target = this.switchTarget;
        const settled = target != null ? settledSwitchView(target, state, this.qp.models.lastFailure) : undefined;
        if (settled == null)
            return;
        this.switchTarget = undefined;
        this.setSwitching(settled);
    }

    private setSwitching(switching: SwitchView): void {
        this.switching = switching;
        this.post({type: "switching", switching});
    }

    /**
     * Quantizes from the best source on disk: an unquantized variant (F32/F16/BF16) when there is
     * one, since requantizing an already quantized file loses more quality; else the loaded file.
     */
    private async quantize(): Promise<void> {
        const model = this.qp.models.model;
        if (model == null || !(await this.quantizeView()).available)
            return;
        const unquantized = this.variants.kind === "ready"
            ? this.variants.variants.find((v) => v.fileType != null && UNQUANTIZED_TYPES.has(v.fileType))
            : undefined;
        await vscode.commands.executeCommand(QUANTIZE_COMMAND, unquantized?.path ?? model.path);
        this.variantSearch.search(this.qp.models.model?.path);
    }

    private async quantizeView(): Promise<QuantizeView> {
        const available = (await vscode.commands.getCommands(true)).includes(QUANTIZE_COMMAND);
        return {available, reason: available ? null : "Quantization is not available in this build of QuantPilot."};
    }

    private onIntervalChanged(): void {
        this.monitor.setInterval(this.qp.config.get("panel.sampleIntervalMs"));
        this.post({type: "settings", sampleIntervalMs: this.monitor.interval});
    }

    private async modelMemory(): Promise<ModelMemoryView | null> {
        const loaded = this.qp.engine.loaded;
        if (loaded == null || loaded.disposed)
            return null;
        // The model may be swapped out between the check and the read; then there is nothing to show.
        return memoryView(await readModelMemory(loaded).catch(() => null));
    }

    private sensorDisabled(label: string, message: string): void {
        this.qp.log.warn(`Panel: the ${label} sensor turned itself off: ${message}`);
    }

    private post(message: HostMessage): void {
        if (this.webviewReady && !this.disposed)
            void this.panel.webview.postMessage(message);
    }

    /** Stops sampling and listening; the panel itself is closed by the user, not by us. */
    dispose(): void {
        if (this.disposed)
            return;
        this.disposed = true;
        this.monitor.dispose();
        this.variantSearch.dispose();
        this.disposeEmitter.fire();
        for (const d of this.disposables.splice(0).reverse())
            d.dispose();
    }
}

function fileNameOf(path: string): string {
    return path.split(/[\\/]/).pop() ?? path;
}
