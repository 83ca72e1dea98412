import type {AbService} from "../ab/vscode/abService";
import type {LoadedModel} from "../engine/loadedModel";
import type {RequestMetricsSink} from "../engine/requestMetrics";
import type {ModelServices} from "../models/modelServices";
import type {BackendsView} from "./protocol";

/** What the panel needs, built before it: model management, the A/B service, and read-only engine figures. */
export interface PanelServices extends ModelServices {
    readonly engine: {
        /** For the model's memory figures. */
        readonly loaded: LoadedModel | undefined;
        /** How each request went. */
        readonly requests: RequestMetricsSink;
    };
    readonly ab: AbService;
    /** LoRA adapters (src/models/loraAdapters.ts): every change goes through the model host. */
    readonly lora: {
        known(): Promise<ReadonlyArray<{readonly path: string; readonly fileName: string}>>;
        use(path: string): Promise<void>;
        unload(path?: string): Promise<void>;
    };
    /** Where completions and the assistant run (src/servers/vscode/serverJobs.ts); absent without server support. */
    readonly servers?: {
        /** The placements now, with server figures at most a couple of seconds old. */
        view(): Promise<BackendsView>;
        onDidChange(listener: () => void): {dispose(): void};
    };
}
