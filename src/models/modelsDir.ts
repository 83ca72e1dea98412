import * as vscode from "vscode";
import {homedir} from "node:os";
import {dirname, isAbsolute, join} from "node:path";

/**
 * The folder downloads and quantizations go to: `quantpilot.modelsDir`, or `models/` in the
 * extension's global storage when the setting is empty. `~` is expanded; a relative path is
 * taken as relative to the home folder, since there may be no workspace.
 */
export function modelsDir(storageDir: string): string {
    const setting = vscode.workspace.getConfiguration("quantpilot").get<string>("modelsDir", "").trim();
    if (setting === "")
        return join(storageDir, "models");
    const expanded = setting.startsWith("~") ? join(homedir(), setting.slice(1)) : setting;
    return isAbsolute(expanded) ? expanded : join(homedir(), expanded);
}

/** Folders searched for local models: the models folder and the folder of the configured model. */
export function modelSearchDirs(storageDir: string, currentModelPath: string | undefined): string[] {
    const dirs = [modelsDir(storageDir)];
    if (currentModelPath != null && currentModelPath !== "")
        dirs.push(dirname(currentModelPath));
    return [...new Set(dirs)];
}
