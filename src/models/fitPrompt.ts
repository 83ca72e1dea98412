import * as vscode from "vscode";
import {basename} from "node:path";
import {describeFit, estimateFit, type FitEstimate} from "../quant/fit";
import type {QuantPilot} from "../quantPilot";

/** The fit of `path` with the configured GPU and context, or undefined when it cannot be estimated. */
export async function fitFor(qp: QuantPilot, path: string): Promise<FitEstimate | undefined> {
    try {
        const llama = await qp.runtime.get(qp.config.gpu);
        return await estimateFit(llama, path, {contextSize: qp.config.contextSize});
    } catch (err) {
        qp.log.debug(`Could not estimate the memory ${basename(path)} needs: ${(err as Error).message}`);
        return undefined;
    }
}

/**
 * Asks before loading a model that will not fit in the memory free now. Unloading the current
 * model first is offered, since it is often what frees enough. Returns whether to go on.
 */
export async function confirmFits(qp: QuantPilot, path: string, known?: FitEstimate): Promise<boolean> {
    const fit = known ?? await fitFor(qp, path);
    if (fit == null || fit.verdict !== "none")
        return true;
    const unload = qp.engine.model != null && qp.engine.model.path !== path ? "Unload Current Model, Then Load" : undefined;
    const choice = await vscode.window.showWarningMessage(
        `${basename(path)} will probably not fit: ${describeFit(fit)}.`,
        {modal: true, detail: "Loading it may fail, or make the computer swap. A smaller quantization or a shorter context needs less memory."},
        ...(unload != null ? [unload] : []), "Try Anyway"
    );
    if (choice == null)
        return false;
    if (choice === unload) {
        qp.log.info(`Unloading ${qp.engine.model?.fileName ?? "the current model"} to make room for ${basename(path)}`);
        await qp.engine.unload();
    }
    return true;
}
