import * as vscode from "vscode";
import type {ModelState} from "../engine/modelHost";
import {describeAdapters} from "../engine/lora/adapterRequest";

/**
 * One status bar item: which model, which quantization, and what it is doing. Clicking it opens
 * the QuantPilot menu.
 */
export class StatusBar implements vscode.Disposable {
    private readonly item = vscode.window.createStatusBarItem("quantpilot.status", vscode.StatusBarAlignment.Right, 100);
    private lastCompletion: string | undefined;

    constructor() {
        this.item.name = "QuantPilot";
        this.item.command = "quantpilot.showMenu";
        this.item.show();
    }

    update(state: ModelState, completionsEnabled: boolean): void {
        const off = completionsEnabled ? "" : " (completions off)";
        switch (state.kind) {
            case "none":
                this.show("$(circle-slash) QuantPilot: no model", "No model selected. Click to pick a GGUF file or create a demo model.");
                break;
            case "loading":
                this.show(`$(loading~spin) QuantPilot: loading ${fileName(state.path)}`, `Loading ${state.path}`);
                break;
            case "ready": {
                const m = state.model;
                const quant = m.fileType ?? `${m.bitsPerWeight.toFixed(1)} bpw`;
                const where = m.runtime.gpu === false ? "CPU" : `${m.runtime.gpu.toUpperCase()}`;
                const adapters = m.adapters ?? [];
                const lora = adapters.length === 0 ? "" : ` + ${adapters.map((a) => `${baseName(a.fileName)} ×${a.scale}`).join(" + ")}`;
                this.show(`$(hubot) ${baseName(m.fileName)} · ${quant}${lora}${off}`, [
                    `${m.name ?? m.fileName}`,
                    `${m.architecture}, ${quant} (${m.bitsPerWeight.toFixed(2)} bits/weight), context ${m.contextSize}`,
                    `${where}, ${m.runtime.threads} threads, ${m.runtime.build} engine`,
                    `Completions: ${m.hasFim ? (completionsEnabled ? "on" : "off") : "unavailable (no FIM tokens)"}`,
                    `Tools: ${m.supportsTools ? "yes" : "no"}`,
                    ...(adapters.length > 0 ? [`LoRA adapters: ${describeAdapters(adapters)} (weights not reloaded)`] : []),
                    ...(m.adapterNotice != null ? [`LoRA adapters left out: ${m.adapterNotice}`] : []),
                    ...(this.lastCompletion != null ? [`Last completion: ${this.lastCompletion}`] : [])
                ].join("\n"));
                break;
            }
            case "failed":
                this.show(`$(error) QuantPilot: ${fileName(state.path)} failed`, state.message);
                break;
        }
    }

    /** "120 ms, 14 evaluated / 230 reused, 85 tok/s" from the last completion. */
    setLastCompletion(summary: string): void {
        this.lastCompletion = summary;
    }

    private show(text: string, tooltip: string): void {
        this.item.text = text;
        this.item.tooltip = tooltip;
    }

    dispose(): void {
        this.item.dispose();
    }
}

function fileName(path: string): string {
    return path.split(/[\\/]/).pop() ?? path;
}

function baseName(file: string): string {
    return file.replace(/\.gguf$/i, "");
}
