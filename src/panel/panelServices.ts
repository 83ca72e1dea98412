import type {AbService} from "../ab/vscode/abService";
import type {LoadedModel} from "../engine/loadedModel";
import type {RequestMetricsSink} from "../engine/requestMetrics";
import type {ModelServices} from "../models/modelServices";

/** What the panel needs, built before it: model management, the A/B service, and read-only engine figures. */
export interface PanelServices extends ModelServices {
    readonly engine: {
        /** For the model's memory figures. */
        readonly loaded: LoadedModel | undefined;
        /** How each request went. */
        readonly requests: RequestMetricsSink;
    };
    readonly ab: AbService;
}
