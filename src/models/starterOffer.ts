import {freemem} from "node:os";
import {builtInCatalog} from "../quant/catalog";
import {describeStarter, starterModel, type StarterModel} from "../quant/starterModel";
import {downloadWithProgress} from "./downloadCommand";
import type {ModelServices} from "./modelServices";
import {switchTo} from "./switchQuantization";

/** Wherever the generated demo model is offered, it is called this, so nobody mistakes it for a real one. */
export const DEMO_MODEL_LABEL = "Create Demo Model (random weights, for trying the plumbing)";

export interface FirstRunOffer {
    /** The message: the real model's facts (size, licence, checksum, fit), then the other choices. */
    readonly message: string;
    /** Button labels, the real model first when the catalog has one. */
    readonly choices: readonly string[];
    readonly starter: StarterModel | undefined;
    readonly downloadLabel: string | undefined;
}

/** What the first-run prompt says and offers on a machine with `freeRamBytes` free. */
export function firstRunOffer(freeRamBytes = freemem()): FirstRunOffer {
    const starter = starterModel(builtInCatalog());
    const downloadLabel = starter != null ? `Download ${starter.model.name}` : undefined;
    const message = starter != null
        ? `QuantPilot has no model yet. For real completions, download ${describeStarter(starter, freeRamBytes)}. ` +
          "Or pick a GGUF file you have, or create a demo model (random weights, for trying the plumbing offline)."
        : "QuantPilot has no model yet. Pick a GGUF model file, or create a demo model (random weights, for trying the plumbing offline).";
    return {message, choices: [...(downloadLabel != null ? [downloadLabel] : []), "Select Model File…", DEMO_MODEL_LABEL], starter, downloadLabel};
}

/** Downloads the starter model (its pinned SHA-256 checked after the download) and loads it. */
export async function useStarterModel(services: ModelServices, starter: StarterModel): Promise<void> {
    const path = await downloadWithProgress(services, starter.uri, `${starter.model.name} ${starter.quant}`, starter.pin.sha256);
    if (path != null)
        await switchTo(services, path);
}
