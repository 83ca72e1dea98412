import {homedir} from "node:os";
import {join} from "node:path";

/**
 * The user's cache folder for QuantPilot outside the editor (CLI, tests, processes without
 * extension storage): $QUANTPILOT_CACHE_DIR, else $XDG_CACHE_HOME/quantpilot, else ~/.cache/quantpilot.
 */
export function userCacheDir(): string {
    const override = process.env.QUANTPILOT_CACHE_DIR;
    if (override != null && override !== "")
        return override;
    const xdg = process.env.XDG_CACHE_HOME;
    return join(xdg != null && xdg !== "" ? xdg : join(homedir(), ".cache"), "quantpilot");
}
