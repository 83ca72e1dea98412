import {homedir} from "node:os";
import {dirname, isAbsolute, join} from "node:path";
import type {ModelServices} from "./modelServices";

type Places = Pick<ModelServices, "storageDir" | "config">;

/**
 * The folder downloads and quantizations go to: `quantpilot.modelsDir`, or `models/` in the
 * extension's global storage when the setting is empty. `~` is expanded; a relative path is
 * taken as relative to the home folder, since there may be no workspace.
 */
export function modelsDir(places: Places): string {
    const setting = places.config.get("modelsDir");
    if (setting === "")
        return join(places.storageDir, "models");
    const expanded = setting.startsWith("~") ? join(homedir(), setting.slice(1)) : setting;
    return isAbsolute(expanded) ? expanded : join(homedir(), expanded);
}

/** Folders searched for local models: the models folder and the folder of `currentModelPath`. */
export function modelSearchDirs(places: Places, currentModelPath: string | undefined): string[] {
    const dirs = [modelsDir(places)];
    if (currentModelPath != null && currentModelPath !== "")
        dirs.push(dirname(currentModelPath));
    return [...new Set(dirs)];
}
