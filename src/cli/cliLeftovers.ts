import {join} from "node:path";
import {recordedQuantizeDirs, sweepPartialFiles} from "../quant/partialFiles";
import {cliCacheDir} from "./cacheDir";

/** Where the CLI remembers the folders its quantizations wrote to. */
export function cliStateDir(): string {
    return join(cliCacheDir(), "state");
}

/**
 * At every start: removes what a killed run left — quantization `.partial` files in the folders
 * recent quantizations wrote to (a kill between the last write and the rename leaves a
 * full-size one) and temporary files of the A/B reference cache. Returns the removed paths;
 * never throws, so no command fails because of it.
 */
export async function sweepCliLeftovers(): Promise<string[]> {
    try {
        return [
            ...await sweepPartialFiles(await recordedQuantizeDirs(cliStateDir())),
            ...await sweepPartialFiles([join(cliCacheDir(), "ab-reference")], {subfolders: true})
        ];
    } catch {
        return [];
    }
}
