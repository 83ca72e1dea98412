import * as vscode from "vscode";
import {existsSync} from "node:fs";
import {basename, dirname, join} from "node:path";
import {inspectModelFile} from "../engine/modelFile";
import {predictQuantizations, type QuantizePrediction} from "../quant/predictQuantization";
import {quantizeModel} from "../quant/quantize";
import {offeredQuantTypes} from "../quant/quantTypes";
import type {ModelServices} from "./modelServices";
import {formatBytes} from "../util/format";
import {toAbortSignal} from "../vscodeUtil/cancellation";
import {modelsDir} from "./modelsDir";
import {recordQuantizeDir} from "../quant/partialFiles";
import {switchTo} from "./switchQuantization";

const UNQUANTIZED = new Set(["F32", "F16", "BF16"]);

type TypeItem = vscode.QuickPickItem & {type?: string};

/**
 * `QuantPilot: Quantize Model…`: converts a GGUF to another llama.cpp type with llama.cpp's own
 * quantizer (in a child process), then offers to switch to the result. `target` is a path (from
 * the switch menu) or a models-view item; without one the loaded model, or a picked file, is used.
 */
export async function quantizeModelCommand(services: ModelServices, target?: unknown): Promise<void> {
    const inputPath = pathOf(target) ?? await defaultInput(services);
    if (inputPath == null)
        return;
    const facts = await inspectModelFile(inputPath);
    let allowRequantize = false;
    if (facts.fileType == null || !UNQUANTIZED.has(facts.fileType)) {
        const go = await vscode.window.showWarningMessage(
            `${facts.fileName} is already quantized (${facts.fileType ?? "unknown type"}). Quantizing it again loses more quality ` +
            "than quantizing its F16/BF16 original.", {modal: true}, "Requantize Anyway");
        if (go == null)
            return;
        allowRequantize = true;
    }
    const type = await pickType(inputPath, allowRequantize);
    if (type == null)
        return;
    const suggested = join(existsSync(dirname(inputPath)) ? dirname(inputPath) : modelsDir(services), `${baseName(inputPath)}-${type}.gguf`);
    const output = await vscode.window.showSaveDialog({
        title: `Save the ${type} model as`, defaultUri: vscode.Uri.file(suggested), filters: {"GGUF models": ["gguf"]}, saveLabel: "Quantize"
    });
    if (output == null)
        return;
    await recordQuantizeDir(services.storageDir, dirname(output.fsPath));
    const result = await vscode.window.withProgress(
        {location: vscode.ProgressLocation.Notification, title: `QuantPilot: quantizing ${facts.fileName} to ${type}`, cancellable: true},
        async (progress, token) => {
            const abort = toAbortSignal(token);
            let reported = 0;
            try {
                return await quantizeModel({
                    inputPath, outputPath: output.fsPath, type, allowRequantize,
                    // The save dialog already asked before replacing a file.
                    overwrite: true,
                    signal: abort.signal,
                    onProgress: (fraction) => {
                        const percent = Math.round(fraction * 100);
                        progress.report({increment: percent - reported, message: `${percent} %`});
                        reported = percent;
                    }
                });
            } finally {
                abort.dispose();
            }
        });
    services.log.info(`Quantized ${inputPath} to ${result.type}: ${formatBytes(result.inputBytes)} -> ${formatBytes(result.outputBytes)}, ` +
        `${result.bitsPerWeight.toFixed(2)} bits/weight, ${result.seconds.toFixed(1)} s`);
    const choice = await vscode.window.showInformationMessage(
        `Quantized to ${result.type}: ${formatBytes(result.outputBytes)} (${result.bitsPerWeight.toFixed(2)} bits/weight) in ${result.seconds.toFixed(1)} s.`,
        "Switch to It");
    if (choice === "Switch to It")
        await switchTo(services, result.outputPath);
}

async function defaultInput(services: ModelServices): Promise<string | undefined> {
    const loaded = services.models.model;
    if (loaded?.fileType != null && UNQUANTIZED.has(loaded.fileType))
        return loaded.path;
    const picked = await vscode.window.showOpenDialog({
        title: "Select an F16, BF16 or F32 GGUF model to quantize",
        canSelectMany: false,
        filters: {"GGUF models": ["gguf"]},
        openLabel: "Quantize",
        ...(loaded != null ? {defaultUri: vscode.Uri.file(dirname(loaded.path))} : {})
    });
    return picked?.[0]?.fsPath;
}

/** A quick pick of types with llama.cpp's predicted size and bits per weight for this model. */
async function pickType(inputPath: string, allowRequantize: boolean): Promise<string | undefined> {
    const names = offeredQuantTypes().filter((t) => !UNQUANTIZED.has(t.name) || t.name === "F16").map((t) => t.name);
    const predictions = await vscode.window.withProgress(
        {location: vscode.ProgressLocation.Window, title: "QuantPilot: predicting quantized sizes"},
        () => predictQuantizations(inputPath, names, {allowRequantize}));
    const common = new Set(offeredQuantTypes().filter((t) => t.common).map((t) => t.name));
    const items: TypeItem[] = [
        {label: "Recommended", kind: vscode.QuickPickItemKind.Separator},
        ...predictions.filter((p) => common.has(p.type)).map(typeItem),
        {label: "Other types", kind: vscode.QuickPickItemKind.Separator},
        ...predictions.filter((p) => !common.has(p.type)).map(typeItem)
    ];
    const picked = await vscode.window.showQuickPick(items, {title: `Quantize ${basename(inputPath)} to…`, matchOnDetail: true});
    return picked?.type;
}

function typeItem(prediction: QuantizePrediction): TypeItem {
    if (!prediction.ok)
        return {label: `$(circle-slash) ${prediction.type}`, description: "not possible for this model", detail: prediction.message};
    return {
        label: prediction.type,
        description: `${formatBytes(prediction.predictedBytes)} · ${prediction.bitsPerWeight.toFixed(2)} bits/weight`,
        ...(prediction.shapeWarnings.length > 0 ? {detail: `${prediction.shapeWarnings.length} tensors use a fallback type (their rows do not fit)`} : {}),
        type: prediction.type
    };
}

/** "qwen2.5-coder-1.5b-instruct" from "qwen2.5-coder-1.5b-instruct-f16.gguf". */
function baseName(path: string): string {
    return basename(path).replace(/\.gguf$/i, "").replace(/[-_.](f32|f16|bf16|q\d\w*|iq\d\w*)$/i, "");
}

function pathOf(target: unknown): string | undefined {
    if (typeof target === "string")
        return target;
    const path = (target as {path?: unknown} | undefined)?.path;
    return typeof path === "string" ? path : undefined;
}
