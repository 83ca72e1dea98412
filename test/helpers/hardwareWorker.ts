import {build} from "esbuild";
import {rmSync} from "node:fs";
import {mkdir} from "node:fs/promises";
import {join} from "node:path";
import {CACHE_DIR, REPO_ROOT} from "./paths";

let built: Promise<string> | undefined;

/**
 * The sampling worker bundled the way esbuild.mjs bundles it for the extension (a worker thread
 * cannot load TypeScript through tsx), into the ignored cache. Built once per test process.
 */
export function hardwareWorkerBundle(): Promise<string> {
    built ??= (async () => {
        const outDir = join(CACHE_DIR, "test-build");
        await mkdir(outDir, {recursive: true});
        const outfile = join(outDir, `hardwareWorker-${process.pid}.js`);
        await build({
            entryPoints: [join(REPO_ROOT, "src", "hardware", "hardwareWorker.ts")],
            outfile, bundle: true, platform: "node", format: "cjs", target: "node20", logLevel: "error"
        });
        process.once("exit", () => rmSync(outfile, {force: true}));
        return outfile;
    })();
    return built;
}
