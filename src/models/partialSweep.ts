import {mkdir, readFile, writeFile} from "node:fs/promises";
import {dirname, join} from "node:path";
import {sweepPartialFiles} from "../quant/partialFiles";
import type {Logger} from "../util/logger";

const RECORD_FILE = "quantize-output-dirs.json";
const MAX_RECORDED = 20;

/** Remembers a folder a quantization wrote to, so a later activation can sweep what a crash left there. */
export async function recordQuantizeDir(storageDir: string, dir: string): Promise<void> {
    const dirs = await recordedDirs(storageDir);
    const next = [dir, ...dirs.filter((d) => d !== dir)].slice(0, MAX_RECORDED);
    await mkdir(storageDir, {recursive: true});
    await writeFile(join(storageDir, RECORD_FILE), JSON.stringify(next));
}

/**
 * At activation: removes `*.gguf.<pid>.partial` files left by quantizations whose process died
 * (a crash, a killed window) in the models folder, the configured model's folder and every folder
 * a quantization wrote to recently. Never fails activation.
 */
export async function sweepStrayPartials(storageDir: string, modelsDir: string, modelPath: string, log: Logger): Promise<void> {
    try {
        const dirs = [modelsDir, ...(modelPath !== "" ? [dirname(modelPath)] : []), ...await recordedDirs(storageDir)];
        for (const path of await sweepPartialFiles(dirs))
            log.info(`Removed ${path}, left by a quantization that did not finish`);
    } catch (err) {
        log.warn(`Could not sweep unfinished quantizations: ${(err as Error).message}`);
    }
}

async function recordedDirs(storageDir: string): Promise<string[]> {
    try {
        const parsed: unknown = JSON.parse(await readFile(join(storageDir, RECORD_FILE), "utf8"));
        return Array.isArray(parsed) ? parsed.filter((d): d is string => typeof d === "string") : [];
    } catch {
        return [];
    }
}
