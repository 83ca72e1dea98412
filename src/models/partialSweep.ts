import {dirname, join} from "node:path";
import {sweepAbandonedDownloads} from "../quant/downloadModel";
import {recordedQuantizeDirs, sweepPartialFiles} from "../quant/partialFiles";
import type {Logger} from "../util/logger";

/**
 * At activation: removes what killed writes left behind — `*.gguf.<pid>.partial` files of
 * quantizations whose process died (a crash, a killed window) in the models folder, the
 * configured model's folder and every folder a quantization wrote to recently; temporary files
 * of the A/B reference cache and history; and partial downloads abandoned for two weeks (younger
 * ones are kept so the download resumes). Never fails activation.
 */
export async function sweepStrayPartials(storageDir: string, modelsDir: string, modelPath: string, log: Logger): Promise<void> {
    try {
        const dirs = [modelsDir, ...(modelPath !== "" ? [dirname(modelPath)] : []), ...await recordedQuantizeDirs(storageDir)];
        for (const path of await sweepPartialFiles(dirs))
            log.info(`Removed ${path}, left by a quantization that did not finish`);
        for (const path of await sweepPartialFiles([join(storageDir, "ab-cache"), join(storageDir, "ab-history")], {subfolders: true}))
            log.info(`Removed ${path}, left by an A/B run that did not finish`);
        for (const path of await sweepAbandonedDownloads(modelsDir))
            log.info(`Removed ${path}, a download not resumed for two weeks`);
    } catch (err) {
        log.warn(`Could not sweep unfinished writes: ${(err as Error).message}`);
    }
}
