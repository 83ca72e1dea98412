import * as vscode from "vscode";
import {basename} from "node:path";
import {describeFit, estimateFit, type FitEstimate} from "../quant/fit";
import type {ModelServices} from "./modelServices";

/** The fit of `path` with the configured GPU and context, or undefined when it cannot be estimated. */
export async function fitFor(services: ModelServices, path: string): Promise<FitEstimate | undefined> {
    try {
        const llama = await services.runtime.get(services.config.gpu);
        // Adapters go with the model to the next load (ModelHost carries them), so they count in its fit.
        const adapterBytes = (services.models.model?.adapters ?? []).reduce((sum, a) => sum + a.tensorBytes, 0);
        return await estimateFit(llama, path, {contextSize: services.config.contextSize, adapterBytes});
    } catch (err) {
        services.log.debug(`Could not estimate the memory ${basename(path)} needs: ${(err as Error).message}`);
        return undefined;
    }
}

/**
 * Asks before loading a model that will not fit in the memory free now. Unloading the current
 * model first is offered, since it is often what frees enough. Returns whether to go on.
 */
export async function confirmFits(services: ModelServices, path: string, known?: FitEstimate): Promise<boolean> {
    const fit = known ?? await fitFor(services, path);
    if (fit == null || fit.verdict !== "none")
        return true;
    const unload = services.models.model != null && services.models.model.path !== path ? "Unload Current Model, Then Load" : undefined;
    const choice = await vscode.window.showWarningMessage(
        `${basename(path)} will probably not fit: ${describeFit(fit)}.`,
        {modal: true, detail: "Loading it may fail, or make the computer swap. A smaller quantization or a shorter context needs less memory."},
        ...(unload != null ? [unload] : []), "Try Anyway"
    );
    if (choice == null)
        return false;
    if (choice === unload) {
        services.log.info(`Unloading ${services.models.model?.fileName ?? "the current model"} to make room for ${basename(path)}`);
        await services.models.unload();
    }
    return true;
}
