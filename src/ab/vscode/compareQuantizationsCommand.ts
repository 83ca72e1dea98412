import * as vscode from "vscode";
import {basename} from "node:path";
import type {AdapterRequest} from "../../engine/lora/adapterRequest";
import {modelSearchDirs} from "../../models/modelsDir";
import {findModelVariants, type ModelVariant} from "../../quant/variants";
import type {ModelServices} from "../../models/modelServices";
import {readTextSources, type TextSource} from "../corpus/textSources";
import {timeLeftText} from "../runner/abProgress";
import {formatBytes} from "../../util/format";
import {isAbortError} from "../../util/abort";
import {toAbortSignal} from "../../vscodeUtil/cancellation";
import type {AbRequest, AbService} from "./abService";
import {showAbReport} from "./abReportView";
import {referenceLabel, suggestReference, type AbChoice} from "./referenceChoice";

type Pick = vscode.QuickPickItem & {choice: AbChoice};

/**
 * `QuantPilot: Compare Quantizations…`: pick a reference (F16/BF16 suggested, else the
 * highest precision on disk, labelled so) and candidates among the loaded model's variants (or
 * any GGUF files), choose the texts, then run under a cancellable progress notification. The
 * result is saved to the history and shown; a cancel saves nothing.
 *
 * The three picks stay open when the focus moves away (`ignoreFocusOut`). The flow is usually
 * started from the panel's webview, and the focus returning to the webview after one step can
 * arrive once the next step is open: a pick that closes on focus loss would vanish mid-flow and
 * the comparison end without a word. Escape still cancels a step.
 */
export async function compareQuantizations(qp: ModelServices, ab: AbService, preselected?: readonly string[]): Promise<void> {
    const choices = await variantChoices(qp);
    const adapters = qp.models.model?.adapters ?? [];
    const request = choices.length >= 2 || (choices.length >= 1 && adapters.length > 0)
        ? await pickFromVariants(choices, preselected, adapters)
        : await pickFiles();
    if (request == null)
        return;
    const texts = await pickTexts();
    if (texts == null)
        return;
    await runWithProgress(ab, {...request, ...texts});
}

async function variantChoices(qp: ModelServices): Promise<ModelVariant[]> {
    const current = qp.models.model?.path ?? (qp.config.modelPath || undefined);
    if (current == null)
        return [];
    return findModelVariants(current, modelSearchDirs(qp, current)).catch(() => []);
}

async function pickFromVariants(
    variants: readonly ModelVariant[], preselected?: readonly string[], adapters: readonly AdapterRequest[] = []
): Promise<Omit<AbRequest, "texts" | "notes"> | undefined> {
    const suggested = suggestReference(variants);
    const item = (v: ModelVariant, detail?: string): Pick => ({
        label: v.fileType ?? v.fileName,
        description: `${v.fileName} \u00b7 ${formatBytes(v.sizeBytes)} \u00b7 ${v.bitsPerWeight.toFixed(2)} bits/weight${v.isCurrent ? " \u00b7 loaded" : ""}`,
        ...(detail != null ? {detail} : {}),
        choice: v
    });
    const ordered = [...variants].sort((a, b) => (a.path === suggested?.choice.path ? -1 : b.path === suggested?.choice.path ? 1 : 0));
    const reference = await vscode.window.showQuickPick(ordered.map((v) => item(v, v.path === suggested?.choice.path ? `Suggested reference \u2014 ${suggested.label}` : undefined)), {
        title: "Compare Quantizations (1/3): the reference",
        placeHolder: "The model the others are measured against, ideally the unquantized F16/BF16 file",
        ignoreFocusOut: true
    });
    if (reference == null)
        return undefined;
    const others = variants.filter((v) => v.path !== reference.choice.path);
    // The LoRA adapters on the loaded model, applied to the reference: "base + adapter" compared like a quantization level.
    const base = variants.find((v) => v.path === reference.choice.path)!;
    const adapterItem: Array<Pick & {picked: boolean; adapters: readonly AdapterRequest[]}> = adapters.length === 0 ? [] : [{
        ...item(base), label: `${reference.label} + ${adapters.map((a) => `${basename(a.path)} ×${a.scale}`).join(" + ")}`,
        detail: "the reference with the loaded model's LoRA adapters applied at run time", picked: true, adapters
    }];
    const fileItems: Array<Pick & {picked: boolean}> = others.map((v) => ({...item(v), picked: preselected == null || preselected.includes(v.path)}));
    const picked = await vscode.window.showQuickPick<Pick & {picked: boolean; adapters?: readonly AdapterRequest[]}>([...adapterItem, ...fileItems], {
        title: "Compare Quantizations (2/3): the candidates",
        placeHolder: "The quantizations to compare with the reference",
        canPickMany: true,
        ignoreFocusOut: true
    });
    if (picked == null)
        return undefined;
    if (picked.length === 0) {
        void vscode.window.showInformationMessage("No candidate was picked, so there is nothing to compare with the reference. Run Compare Quantizations again and check at least one.");
        return undefined;
    }
    return {
        referencePath: reference.choice.path,
        referenceLabel: referenceLabel(reference.choice, suggested?.choice),
        candidatePaths: picked.filter((p) => p.adapters == null).map((p) => p.choice.path),
        adapterCandidates: picked.flatMap((p) => p.adapters != null ? [{path: reference.choice.path, adapters: p.adapters}] : [])
    };
}

/** Without a loaded model (or with no other variant on disk), any GGUF files can be compared. */
async function pickFiles(): Promise<Omit<AbRequest, "texts" | "notes"> | undefined> {
    const filters = {"GGUF models": ["gguf"]};
    const reference = await vscode.window.showOpenDialog({title: "Compare Quantizations: the reference model (ideally F16/BF16)", filters, canSelectMany: false, openLabel: "Use as Reference"});
    if (reference?.[0] == null)
        return undefined;
    const candidates = await vscode.window.showOpenDialog({title: "Compare Quantizations: the candidates", filters, canSelectMany: true, openLabel: "Compare"});
    if (candidates == null || candidates.length === 0)
        return undefined;
    return {
        referencePath: reference[0].fsPath,
        referenceLabel: "chosen as the reference",
        candidatePaths: candidates.map((c) => c.fsPath)
    };
}

async function pickTexts(): Promise<{texts: TextSource[]; notes: string[]} | undefined> {
    const openFiles = vscode.workspace.textDocuments.filter((d) => d.uri.scheme === "file" && !d.isUntitled).map((d) => d.uri.fsPath);
    const choice = await vscode.window.showQuickPick([
        {label: "Built-in code and prose", description: "about a minute", value: "builtin" as const},
        {label: "The files open in editors", description: `${openFiles.length} file(s), instead of the built-in texts`, value: "open" as const},
        {label: "Files I pick\u2026", description: "instead of the built-in texts", value: "pick" as const}
    ], {title: "Compare Quantizations (3/3): the text to score", placeHolder: "Scoring your own code shows how the quantization does on it", ignoreFocusOut: true});
    if (choice == null)
        return undefined;
    if (choice.value === "builtin")
        return {texts: [], notes: []};
    const paths = choice.value === "open" ? openFiles : (await vscode.window.showOpenDialog({canSelectMany: true, title: "Files to score", openLabel: "Score"}))?.map((u) => u.fsPath);
    if (paths == null)
        return undefined;
    const {sources, notes} = await readTextSources(paths);
    // Chosen texts replace the built-in ones; if none can be read, scoring the built-in texts instead would answer another question.
    if (sources.length === 0) {
        void vscode.window.showErrorMessage(`None of the chosen files can be scored. ${notes.join(" ") || "No file was chosen."}`);
        return undefined;
    }
    return {texts: sources, notes};
}

async function runWithProgress(ab: AbService, request: AbRequest): Promise<void> {
    const result = await vscode.window.withProgress({
        location: vscode.ProgressLocation.Notification,
        title: "Comparing quantizations",
        cancellable: true
    }, async (progress, token) => {
        const cancellation = toAbortSignal(token);
        let reported = 0;
        try {
            return await ab.run(request, cancellation.signal, (p) => {
                const left = timeLeftText(p);
                progress.report({message: left != null ? `${p.message} \u2014 ${left}` : p.message, increment: Math.max(0, (p.fraction - reported) * 100)});
                reported = Math.max(reported, p.fraction);
            });
        } catch (err) {
            if (isAbortError(err)) {
                void vscode.window.showInformationMessage("Comparison cancelled; nothing was saved.");
                return undefined;
            }
            throw err;
        } finally {
            cancellation.dispose();
        }
    });
    if (result != null)
        await showAbReport(ab, result.entry.id, result.report);
}
