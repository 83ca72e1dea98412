import * as vscode from "vscode";
import {freemem} from "node:os";
import {approxFileBytes, builtInCatalog, downloadUri, type CatalogModel} from "../quant/catalog";
import {downloadModel, type DownloadProgress} from "../quant/downloadModel";
import {recommendModel, type Recommendation} from "../quant/recommendModel";
import {OfflineError} from "../quant/remoteFile";
import type {ModelServices} from "./modelServices";
import {formatBytes} from "../util/format";
import {toAbortSignal} from "../vscodeUtil/cancellation";
import {modelsDir} from "./modelsDir";
import {switchTo} from "./switchQuantization";

type ModelItem = vscode.QuickPickItem & {model?: CatalogModel};
type QuantItem = vscode.QuickPickItem & {quant?: string};

/** Downloads in progress, by URI: a second request for one joins nothing and starts nothing. */
const running = new Set<string>();

/**
 * `QuantPilot: Download Model…`: picks a model from the built-in catalog (the one that suits
 * this machine's free memory marked), then a quantization, and downloads it into the models
 * folder with a cancellable progress notification. A cancelled download resumes next time.
 */
export async function downloadModelCommand(services: ModelServices): Promise<void> {
    const recommendation = await recommendationFor(services);
    const model = await pickModel(recommendation);
    if (model == null)
        return;
    const quant = await pickQuant(model, recommendation);
    if (quant == null)
        return;
    const uri = downloadUri(model, quant);
    if (running.has(uri)) {
        void vscode.window.showInformationMessage(`${model.name} ${quant} is already downloading.`);
        return;
    }
    running.add(uri);
    try {
        const path = await downloadWithProgress(services, uri, `${model.name} ${quant}`, model.pinned?.[quant]?.sha256);
        if (path == null)
            return;
        const choice = await vscode.window.showInformationMessage(`Downloaded ${model.name} ${quant}.`, "Load It");
        if (choice === "Load It")
            await switchTo(services, path);
    } finally {
        running.delete(uri);
    }
}

/**
 * Downloads `uri` into the models folder under a cancellable progress notification; checked
 * against `expectedSha256` when given (a pinned catalog file), else against the published one.
 */
export async function downloadWithProgress(services: ModelServices, uri: string, label: string, expectedSha256?: string): Promise<string | undefined> {
    const directory = modelsDir(services);
    try {
        const result = await vscode.window.withProgress(
            {location: vscode.ProgressLocation.Notification, title: `QuantPilot: downloading ${label}`, cancellable: true},
            async (progress, token) => {
                const abort = toAbortSignal(token);
                let reported = 0;
                try {
                    return await downloadModel({
                        uri, directory, signal: abort.signal, ...(expectedSha256 != null ? {expectedSha256} : {}),
                        onProgress: (p) => {
                            const percent = p.totalBytes > 0 ? Math.floor((100 * p.downloadedBytes) / p.totalBytes) : 0;
                            progress.report({increment: Math.max(0, percent - reported), message: describeProgress(p)});
                            reported = Math.max(reported, percent);
                        }
                    });
                } finally {
                    abort.dispose();
                }
            });
        services.log.info(`Downloaded ${uri} to ${result.path} (${formatBytes(result.sizeBytes)} in ${result.seconds.toFixed(0)} s, ` +
            `checksum ${result.checksum})`);
        return result.path;
    } catch (err) {
        if ((err as Error)?.name === "AbortError") {
            services.log.info(`Download of ${uri} paused`);
            void vscode.window.showInformationMessage(`Download of ${label} paused. Download it again to continue where it stopped.`);
            return undefined;
        }
        if (err instanceof OfflineError) {
            services.log.info(err.message);
            const choice = await vscode.window.showWarningMessage(err.message, "Use a Local File…");
            if (choice != null)
                await vscode.commands.executeCommand("quantpilot.selectModelFile");
            return undefined;
        }
        throw err;
    }
}

/** "1.2 GB of 3.4 GB · 12.3 MB/s · 2 min left" */
export function describeProgress(p: DownloadProgress): string {
    const parts = [p.totalBytes > 0 ? `${formatBytes(p.downloadedBytes)} of ${formatBytes(p.totalBytes)}` : formatBytes(p.downloadedBytes)];
    if (p.bytesPerSecond > 0)
        parts.push(`${formatBytes(p.bytesPerSecond)}/s`);
    if (p.etaSeconds != null && p.etaSeconds > 0)
        parts.push(p.etaSeconds < 90 ? `${Math.ceil(p.etaSeconds)} s left` : `${Math.ceil(p.etaSeconds / 60)} min left`);
    return parts.join(" · ");
}

async function recommendationFor(services: ModelServices): Promise<Recommendation | undefined> {
    let freeVramBytes = 0;
    try {
        const llama = await services.runtime.get(services.config.gpu);
        if (llama.gpu !== false)
            freeVramBytes = (await llama.getVramState()).free;
    } catch (err) {
        services.log.debug(`No GPU memory figure for the recommendation: ${(err as Error).message}`);
    }
    return recommendModel(builtInCatalog(), "completions", {freeRamBytes: freemem(), freeVramBytes});
}

async function pickModel(recommendation: Recommendation | undefined): Promise<CatalogModel | undefined> {
    const models = builtInCatalog().models.filter((m) => m.quants.length > 0);
    const item = (model: CatalogModel): ModelItem => ({
        label: `${model.id === recommendation?.model.id ? "$(star-full) " : ""}${model.name}`,
        description: [`${model.parametersB} B`, `${Math.round(model.contextLength / 1024)}K context`, model.license,
            ...(model.verified.repo ? [] : ["unverified"])].join(" · "),
        detail: [capabilityText(model), model.id === recommendation?.model.id ? `Recommended here: ${recommendation.reason}` : model.notes]
            .filter((s) => s != null && s !== "").join(" — "),
        model
    });
    const group = (label: string, list: CatalogModel[]): ModelItem[] =>
        list.length === 0 ? [] : [{label, kind: vscode.QuickPickItemKind.Separator}, ...list.map(item)];
    const picked = await vscode.window.showQuickPick([
        ...group("For completions (fill-in-the-middle)", models.filter((m) => m.use.includes("completions"))),
        ...group("For the assistant (tool calling)", models.filter((m) => !m.use.includes("completions") && m.use.includes("assistant"))),
        ...group("Other", models.filter((m) => m.use.length === 0))
    ], {title: "Download a model", placeHolder: "Models that suit a laptop; ★ = recommended for this machine", matchOnDetail: true});
    return picked?.model;
}

async function pickQuant(model: CatalogModel, recommendation: Recommendation | undefined): Promise<string | undefined> {
    const items: QuantItem[] = model.quants.map((quant) => ({
        label: `${recommendation?.model.id === model.id && recommendation.quant === quant ? "$(star-full) " : ""}${quant}`,
        description: `≈ ${formatBytes(approxFileBytes(model, quant))}`,
        quant
    }));
    const picked = await vscode.window.showQuickPick(items, {
        title: `${model.name}: quantization`,
        placeHolder: "Fewer bits: smaller and faster, less accurate. Q4_K_M is a good default."
    });
    return picked?.quant;
}

function capabilityText(model: CatalogModel): string {
    const caps = [model.capabilities.fim ? "FIM" : undefined, model.capabilities.tools ? "tools" : undefined, model.capabilities.chat ? "chat" : undefined];
    return caps.filter((c) => c != null).join(", ");
}
