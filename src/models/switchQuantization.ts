import * as vscode from "vscode";
import {findModelVariants, type ModelVariant} from "../quant/variants";
import {fitLabel, type FitEstimate} from "../quant/fit";
import type {ModelServices} from "./modelServices";
import {formatBytes} from "../util/format";
import {confirmFits, fitFor} from "./fitPrompt";
import {modelSearchDirs} from "./modelsDir";

type VariantItem = vscode.QuickPickItem & {variant?: ModelVariant; fit?: FitEstimate; quantize?: true};

/**
 * `QuantPilot: Switch Quantization…`: picks another local quantization of the loaded model and
 * switches to it. The engine keeps the old model serving until the new one is ready, then moves
 * completions over and disposes the old one.
 */
export async function switchQuantization(services: ModelServices): Promise<void> {
    const current = services.models.model;
    if (current == null) {
        void vscode.window.showInformationMessage("Load a model first; QuantPilot then lists its other quantizations.");
        return;
    }
    const items = await vscode.window.withProgress(
        {location: vscode.ProgressLocation.Window, title: "QuantPilot: looking for other quantizations"},
        () => variantItems(services, current.path)
    );
    const picked = await vscode.window.showQuickPick(items, {
        title: `Switch quantization of ${current.name ?? current.fileName}`,
        placeHolder: items.length > 2 ? "Pick a quantization level" : "No other quantization found: quantize one"
    });
    if (picked?.quantize === true) {
        await vscode.commands.executeCommand("quantpilot.quantizeModel", current.path);
        return;
    }
    if (picked?.variant == null || picked.variant.isCurrent)
        return;
    await switchTo(services, picked.variant.path, picked.fit);
}

/** Loads `path` in place of the current model, logs how long the switch took, and saves the choice. */
export async function switchTo(services: ModelServices, path: string, fit?: FitEstimate): Promise<boolean> {
    if (!await confirmFits(services, path, fit))
        return false;
    const from = services.models.model;
    const startedAt = performance.now();
    const model = await services.models.load(path, true);
    if (model == null)
        return false;
    const switchMs = performance.now() - startedAt;
    services.log.info(
        `Switched ${from != null ? `from ${from.fileName} (${from.fileType ?? "?"}) ` : ""}to ${model.fileName} ` +
        `(${model.fileType ?? "?"}) in ${Math.round(switchMs)} ms; loading the new model took ${Math.round(model.loadMs)} ms`);
    await services.config.setModelPath(path);
    // LoRA adapters apply at run time, so they come along to any quantization of the same base: say which did.
    const kept = model.adapters != null && model.adapters.length > 0 ? `, LoRA ${model.adapters.map((a) => a.fileName).join(", ")} kept` : "";
    if (model.adapterNotice != null)
        void vscode.window.showWarningMessage(`QuantPilot: ${model.fileName} runs without its LoRA adapters: ${model.adapterNotice}`);
    void vscode.window.setStatusBarMessage(`QuantPilot: now ${model.fileType ?? model.fileName}${kept} (${(switchMs / 1000).toFixed(1)} s)`, 4000);
    return true;
}

async function variantItems(services: ModelServices, currentPath: string): Promise<VariantItem[]> {
    const variants = await findModelVariants(currentPath, modelSearchDirs(services, services.config.modelPath));
    const fits = await Promise.all(variants.map((v) => fitFor(services, v.path)));
    const items: VariantItem[] = variants.map((variant, i) => ({
        label: `${variant.isCurrent ? "$(check) " : ""}${variant.fileType ?? "unknown type"}`,
        description: [formatBytes(variant.sizeBytes), `${variant.bitsPerWeight.toFixed(2)} bits/weight`,
            ...(fits[i] != null ? [fitLabel(fits[i].verdict)] : [])].join(" · "),
        detail: variant.isCurrent ? `${variant.fileName} (loaded)` : variant.fileName,
        variant,
        ...(fits[i] != null ? {fit: fits[i]} : {})
    }));
    items.push({label: "", kind: vscode.QuickPickItemKind.Separator}, {label: "$(add) Quantize to Another Type…", quantize: true});
    return items;
}
