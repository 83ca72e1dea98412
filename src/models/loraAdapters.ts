import * as vscode from "vscode";
import {readdir} from "node:fs/promises";
import {basename, dirname, join, resolve} from "node:path";
import type {Config} from "../config";
import {readGgufHeader, metaString} from "../gguf/ggufReader";
import {sameAdapters, scaleProblem, type AdapterRequest} from "../engine/lora/adapterRequest";
import type {Logger} from "../util/logger";
import {reportUserActionError} from "../vscodeUtil/errors";
import type {ModelController} from "./modelController";

/** An adapter the panel can offer: beside the model, in the settings, or used in this session. */
export interface KnownAdapter {
    readonly path: string;
    readonly fileName: string;
}

/**
 * The VS Code face of LoRA adapters: the commands, the panel's requests and the
 * `quantpilot.lora.adapters` setting all change adapters through the model host (via
 * `ModelController`), and a change that applied is saved to the setting, so the status bar,
 * the panel and the next start agree. A refused change saves nothing.
 */
export class LoraAdapters {
    private readonly used = new Map<string, KnownAdapter>();

    constructor(private readonly models: ModelController, private readonly config: Config, private readonly log: Logger) {}

    /** Applies the adapters the settings name (at start, and when the setting is edited by hand). */
    async followSettings(): Promise<void> {
        const wanted = this.config.loraAdapters;
        if (sameAdapters(wanted, this.models.adapters.wanted))
            return;
        try {
            await this.models.setAdapters(wanted);
            this.remember(wanted);
        } catch (err) {
            this.log.warn(`Setting quantpilot.lora.adapters: ${err instanceof Error ? err.message : String(err)}`);
            void vscode.window.showWarningMessage(`QuantPilot: ${err instanceof Error ? err.message : String(err)}`);
        }
    }

    /** Applies `requests`; saved to the setting once they apply. Reports a refusal to the user. */
    async apply(requests: readonly AdapterRequest[], what: string): Promise<boolean> {
        try {
            await this.models.setAdapters(requests);
        } catch (err) {
            // Not awaited: the notification stays until dismissed, and the panel must not wait for that.
            void reportUserActionError(this.log, what, err);
            return false;
        }
        this.remember(requests);
        await this.config.setLoraAdapters(requests);
        return true;
    }

    /** `QuantPilot: Load LoRA Adapter…`: a file, then a scale; stacked on the adapters already on. */
    async loadFromPicker(): Promise<void> {
        const picked = await vscode.window.showOpenDialog({
            title: "Load a LoRA adapter (GGUF) onto the loaded model", canSelectMany: false,
            filters: {"GGUF LoRA adapters": ["gguf"], "All files": ["*"]}, openLabel: "Load Adapter",
            ...(this.models.model != null ? {defaultUri: vscode.Uri.file(dirname(this.models.model.path))} : {})
        });
        const path = picked?.[0]?.fsPath;
        if (path == null)
            return;
        const scaleText = await vscode.window.showInputBox({
            title: `Scale of ${basename(path)}`, value: "1", prompt: "0 leaves the model as it is, 1 applies the adapter as trained",
            validateInput: (text) => scaleProblem(Number(text)) ?? (text.trim() === "" ? "Enter a number" : undefined)
        });
        if (scaleText == null)
            return;
        const others = this.models.adapters.wanted.filter((a) => a.path !== path);
        await this.apply([...others, {path, scale: Number(scaleText)}], `Loading LoRA adapter ${basename(path)}`);
    }

    /** The panel's switch: this adapter alone, at the scale it last had (1 when new). */
    async use(path: string): Promise<void> {
        const scale = this.models.adapters.wanted.find((a) => a.path === path)?.scale ?? 1;
        await this.apply([{path, scale}], `Switching to LoRA adapter ${basename(path)}`);
    }

    async unload(path?: string): Promise<void> {
        const rest = path == null ? [] : this.models.adapters.wanted.filter((a) => a.path !== path);
        await this.apply(rest, path == null ? "Unloading LoRA adapters" : `Unloading LoRA adapter ${basename(path)}`);
    }

    /**
     * Adapters the panel offers: GGUF adapters beside the model (headers only are read), those the
     * settings name and those used in this session, active ones included.
     */
    async known(): Promise<KnownAdapter[]> {
        const found = new Map(this.used);
        for (const a of this.config.loraAdapters)
            found.set(resolve(a.path), {path: resolve(a.path), fileName: basename(a.path)});
        const model = this.models.model;
        if (model != null)
            for (const path of await adaptersBeside(model.path))
                found.set(path, {path, fileName: basename(path)});
        return [...found.values()].sort((a, b) => a.fileName.localeCompare(b.fileName));
    }

    private remember(requests: readonly AdapterRequest[]): void {
        for (const r of requests)
            this.used.set(resolve(r.path), {path: resolve(r.path), fileName: basename(r.path)});
    }
}

/** GGUF files in the model's folder whose header says they are LoRA adapters (at most 64 looked at). */
async function adaptersBeside(modelPath: string): Promise<string[]> {
    const dir = dirname(modelPath);
    const names = await readdir(dir).catch(() => [] as string[]);
    const candidates = names.filter((n) => n.toLowerCase().endsWith(".gguf")).slice(0, 64).map((n) => join(dir, n)).filter((p) => p !== modelPath);
    const adapters: string[] = [];
    for (const path of candidates) {
        const header = await readGgufHeader(path).catch(() => undefined);
        if (header != null && metaString(header, "general.type") === "adapter" && metaString(header, "adapter.type") === "lora")
            adapters.push(path);
    }
    return adapters;
}
