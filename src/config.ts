import * as vscode from "vscode";
import {ENGINE_BUILD_SETTINGS, GPU_SETTINGS, type EngineBuildSetting, type GpuSetting} from "./engine/llamaRuntime";

const SECTION = "quantpilot";

/** Settings whose change needs the model reloaded; every other setting applies live. */
const RELOAD_KEYS = ["modelPath", "threads", "promptThreads", "decodeThreads", "gpu", "contextSize", "engine.build"] as const;

export interface SettingProblem {
    readonly key: string;
    readonly message: string;
}

/**
 * Typed access to QuantPilot's settings. Invalid values never reach the engine: each getter
 * falls back to the default and records a problem the caller shows once.
 */
export class Config {
    private readonly problems: SettingProblem[] = [];

    private get section(): vscode.WorkspaceConfiguration {
        return vscode.workspace.getConfiguration(SECTION);
    }

    get modelPath(): string {
        return this.section.get<string>("modelPath", "").trim();
    }

    /** 0 means "choose from the machine". */
    get threads(): number {
        return this.integer("threads", 0, 0);
    }

    /** Threads for prompt processing only; 0 = measured or chosen. (Not "threads.prompt": a setting cannot also be a section.) */
    get promptThreads(): number {
        return this.integer("promptThreads", 0, 0);
    }

    /** Threads for decoding only; 0 = measured or chosen. */
    get decodeThreads(): number {
        return this.integer("decodeThreads", 0, 0);
    }

    /** `quantpilot.engine.build`: "auto" uses a local build made on this machine when there is one. */
    get engineBuild(): EngineBuildSetting {
        const value = this.section.get<string>("engine.build", "auto");
        if ((ENGINE_BUILD_SETTINGS as readonly string[]).includes(value))
            return value as EngineBuildSetting;
        this.problem("engine.build", `"${value}" is not one of ${ENGINE_BUILD_SETTINGS.join(", ")}; using "auto"`);
        return "auto";
    }

    get gpu(): GpuSetting {
        const value = this.section.get<string>("gpu", "auto");
        if ((GPU_SETTINGS as readonly string[]).includes(value))
            return value as GpuSetting;
        this.problem("gpu", `"${value}" is not one of ${GPU_SETTINGS.join(", ")}; using "auto"`);
        return "auto";
    }

    get contextSize(): number {
        return this.integer("contextSize", 4096, 256);
    }

    get completionsEnabled(): boolean {
        return this.section.get<boolean>("completions.enabled", true);
    }

    get completionMaxTokens(): number {
        return this.integer("completions.maxTokens", 64, 1);
    }

    get completionMaxTimeMs(): number {
        return this.integer("completions.maxTimeMs", 2000, 50);
    }

    get completionDebounceMs(): number {
        return this.integer("completions.debounceMs", 60, 0);
    }

    /** Milliseconds between hardware samples while the panel is visible; applies live. */
    get panelSampleIntervalMs(): number {
        return this.integer("panel.sampleIntervalMs", 1000, 100);
    }

    async setModelPath(path: string): Promise<void> {
        await this.section.update("modelPath", path, vscode.ConfigurationTarget.Global);
    }

    async setCompletionsEnabled(enabled: boolean): Promise<void> {
        await this.section.update("completions.enabled", enabled, vscode.ConfigurationTarget.Global);
    }

    /** Problems found since the last call, each reported once. */
    takeProblems(): SettingProblem[] {
        return this.problems.splice(0);
    }

    /** Whether `event` changed a setting that needs the model reloaded, `except` aside. */
    static needsReload(event: vscode.ConfigurationChangeEvent, except?: typeof RELOAD_KEYS[number]): boolean {
        return RELOAD_KEYS.some((key) => key !== except && event.affectsConfiguration(`${SECTION}.${key}`));
    }

    static affects(event: vscode.ConfigurationChangeEvent): boolean {
        return event.affectsConfiguration(SECTION);
    }

    private integer(key: string, fallback: number, min: number): number {
        const value = this.section.get<unknown>(key, fallback);
        if (typeof value === "number" && Number.isInteger(value) && value >= min)
            return value;
        this.problem(key, `${JSON.stringify(value)} is not a whole number of at least ${min}; using ${fallback}`);
        return fallback;
    }

    private problem(key: string, message: string): void {
        if (!this.problems.some((p) => p.key === key))
            this.problems.push({key: `${SECTION}.${key}`, message});
    }
}
