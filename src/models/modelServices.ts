import type {Config} from "../config";
import type {LlamaRuntime} from "../engine/llamaRuntime";
import type {Logger} from "../util/logger";
import type {ModelController} from "./modelController";

/**
 * What model management (the Models view, select/switch/download/quantize, fit warnings) needs,
 * built before it and handed in as this, never the whole extension.
 */
export interface ModelServices {
    readonly models: ModelController;
    readonly config: Config;
    /** For memory-fit estimates (the GPU backend's free memory). */
    readonly runtime: LlamaRuntime;
    readonly log: Logger;
    readonly storageDir: string;
}
