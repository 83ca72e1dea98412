import * as vscode from "vscode";
import type {EngineBuildSetting, GpuSetting} from "./engine/engineSettings";
import {checkSetting, RELOAD_KEYS, SETTINGS, type SettingKey, type SettingValue} from "./settings/settingsSchema";
import type {SpeculationOptions} from "./engine/speculative/speculation";
import {adapterRequests, type AdapterRequest} from "./engine/lora/adapterRequest";

const SECTION = "quantpilot";

export interface SettingProblem {
    /** The full setting id, e.g. `quantpilot.ab.window`. */
    readonly key: string;
    readonly message: string;
}

/**
 * Typed access to every QuantPilot setting, read live. One policy for bad values (see
 * `checkSetting`): the default is used and the problem is reported once per bad value, through
 * `onProblem` (the extension logs it and shows a warning that names the setting).
 */
export class Config {
    /** Bad values already reported, per setting: a value is reported once, a new bad value again. */
    private readonly reported = new Map<SettingKey, string>();

    constructor(private readonly onProblem: (problem: SettingProblem) => void = () => undefined) {}

    get<K extends SettingKey>(key: K): SettingValue<K> {
        const raw = vscode.workspace.getConfiguration(SECTION).get<unknown>(key);
        const checked = checkSetting(key, raw);
        if (checked.problem == null) {
            this.reported.delete(key);
        } else {
            const fingerprint = JSON.stringify(raw);
            if (this.reported.get(key) !== fingerprint) {
                this.reported.set(key, fingerprint);
                this.onProblem({key: `${SECTION}.${key}`, message: checked.problem});
            }
        }
        return checked.value;
    }

    /** Reads every setting once, so bad values are reported at start and after each change. */
    checkAll(): void {
        for (const key of Object.keys(SETTINGS) as SettingKey[])
            this.get(key);
    }

    get modelPath(): string {
        return this.get("modelPath");
    }

    /** 0 means "choose from the machine". */
    get threads(): number {
        return this.get("threads");
    }

    /** Threads for prompt processing only; 0 = measured or chosen. (Not "threads.prompt": a setting cannot also be a section.) */
    get promptThreads(): number {
        return this.get("promptThreads");
    }

    /** Threads for decoding only; 0 = measured or chosen. */
    get decodeThreads(): number {
        return this.get("decodeThreads");
    }

    /** `quantpilot.engine.build`: "auto" uses a local build made on this machine when there is one. */
    get engineBuild(): EngineBuildSetting {
        return this.get("engine.build");
    }

    get gpu(): GpuSetting {
        return this.get("gpu");
    }

    get contextSize(): number {
        return this.get("contextSize");
    }

    /** `quantpilot.speculative.*`: how generation guesses ahead (same text, faster when right). */
    get speculation(): SpeculationOptions {
        const draftModelPath = this.get("speculative.draftModelPath");
        return {mode: this.get("speculative.mode"), ...(draftModelPath !== "" ? {draftModelPath} : {})};
    }

    /** `quantpilot.lora.adapters`: LoRA adapters on the loaded model, in stacking order. */
    get loraAdapters(): AdapterRequest[] {
        return adapterRequests(this.get("lora.adapters"));
    }

    async setLoraAdapters(adapters: readonly AdapterRequest[]): Promise<void> {
        await vscode.workspace.getConfiguration(SECTION).update("lora.adapters", adapters.map((a) => ({path: a.path, scale: a.scale})), vscode.ConfigurationTarget.Global);
    }

    get completionsEnabled(): boolean {
        return this.get("completions.enabled");
    }

    /** Milliseconds between hardware samples while the panel is visible; applies live. */
    get panelSampleIntervalMs(): number {
        return this.get("panel.sampleIntervalMs");
    }

    async setModelPath(path: string): Promise<void> {
        await vscode.workspace.getConfiguration(SECTION).update("modelPath", path, vscode.ConfigurationTarget.Global);
    }

    async setCompletionsEnabled(enabled: boolean): Promise<void> {
        await vscode.workspace.getConfiguration(SECTION).update("completions.enabled", enabled, vscode.ConfigurationTarget.Global);
    }

    /** Whether `event` changed a setting that needs the model reloaded, `except` aside. */
    static needsReload(event: vscode.ConfigurationChangeEvent, except?: SettingKey): boolean {
        return RELOAD_KEYS.some((key) => key !== except && event.affectsConfiguration(`${SECTION}.${key}`));
    }

    static affects(event: vscode.ConfigurationChangeEvent, key?: SettingKey): boolean {
        return event.affectsConfiguration(key == null ? SECTION : `${SECTION}.${key}`);
    }
}
