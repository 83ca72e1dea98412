import {fitFor} from "../models/fitPrompt";
import {modelSearchDirs} from "../models/modelsDir";
import {findModelVariants} from "../quant/variants";
import type {ModelServices} from "../models/modelServices";
import {isAbortError} from "../util/abort";
import {variantView} from "./panelViews";
import type {VariantsView} from "./protocol";

/**
 * Finds the local quantizations of the loaded model with their memory fit, one search at a time:
 * a newer search (after a switch, or a refresh) cancels the one still running.
 */
export class VariantSearch {
    private running: AbortController | undefined;
    private forPath: string | undefined;

    constructor(private readonly qp: ModelServices, private readonly onResult: (variants: VariantsView) => void) {}

    /** The model whose variants were last searched (or are being searched). */
    get modelPath(): string | undefined {
        return this.forPath;
    }

    search(modelPath: string | undefined): void {
        this.running?.abort();
        this.running = undefined;
        this.forPath = modelPath;
        if (modelPath == null) {
            this.onResult({kind: "noModel"});
            return;
        }
        const controller = new AbortController();
        this.running = controller;
        this.onResult({kind: "searching"});
        void this.find(modelPath, controller.signal).then((result) => {
            if (!controller.signal.aborted)
                this.onResult(result);
        });
    }

    dispose(): void {
        this.running?.abort();
    }

    private async find(modelPath: string, signal: AbortSignal): Promise<VariantsView> {
        const searchedDirs = modelSearchDirs(this.qp, modelPath);
        try {
            const variants = await findModelVariants(modelPath, searchedDirs, signal);
            const fits = await Promise.all(variants.map((v) => fitFor(this.qp, v.path)));
            return {kind: "ready", variants: variants.map((v, i) => variantView(v, fits[i])), searchedDirs};
        } catch (err) {
            if (!isAbortError(err))
                this.qp.log.warn(`Panel: could not list the variants of ${modelPath}: ${(err as Error).message}`);
            return {kind: "failed", message: (err as Error).message};
        }
    }
}
