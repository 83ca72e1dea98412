import * as vscode from "vscode";
import {join} from "node:path";
import {mkdir} from "node:fs/promises";
import {makeGeneratedModel} from "../gguf/generatedModel";
import type {BundledLlamaSource} from "../llamaSource/bundledSource";

export const DEMO_MODEL_FILE = "quantpilot-demo-random-weights.gguf";

/**
 * Writes the demo model into the extension's storage: a tiny generated model with a real
 * tokenizer and FIM tokens but random weights, for trying the extension offline. Its name and
 * file name say it writes meaningless text.
 */
export async function createDemoModel(storageDir: string, source: BundledLlamaSource): Promise<string> {
    const dir = join(storageDir, "models");
    await mkdir(dir, {recursive: true});
    const path = join(dir, DEMO_MODEL_FILE);
    await vscode.window.withProgress(
        {location: vscode.ProgressLocation.Notification, title: "QuantPilot: writing the demo model (random weights, for trying the plumbing)"},
        () => makeGeneratedModel({outPath: path, preset: "tiny", seed: 1, source})
    );
    return path;
}
