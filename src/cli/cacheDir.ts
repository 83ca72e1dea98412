import {homedir} from "node:os";
import {join} from "node:path";

/** Where the CLI keeps unpacked sources and other machine-local caches. */
export function cliCacheDir(): string {
    const override = process.env.QUANTPILOT_CACHE_DIR;
    if (override != null && override !== "")
        return override;
    const xdg = process.env.XDG_CACHE_HOME;
    return join(xdg != null && xdg !== "" ? xdg : join(homedir(), ".cache"), "quantpilot");
}
