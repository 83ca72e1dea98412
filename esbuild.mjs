// Builds the extension host bundle, the CLI and the webview scripts. tsc only type-checks.
import * as esbuild from "esbuild";
import {existsSync} from "node:fs";

const watch = process.argv.includes("--watch");
const production = process.argv.includes("--production");

// node-llama-cpp is ESM-only with native binaries and koffi is native: both ship in the VSIX's
// node_modules and are loaded at runtime, never bundled.
const nodeExternals = ["vscode", "node-llama-cpp", "koffi"];

const common = {
    bundle: true,
    sourcemap: production ? false : "linked",
    minify: production,
    logLevel: "info",
    legalComments: "none"
};

const builds = [
    {...common, entryPoints: {extension: "src/extension.ts"}, outdir: "dist", platform: "node", format: "cjs", target: "node20", external: nodeExternals},
    {...common, entryPoints: {cli: "src/cli/cli.ts"}, outdir: "dist", platform: "node", format: "cjs", target: "node20", external: nodeExternals,
        banner: {js: "#!/usr/bin/env node"}},
    // The model guard loads each new model file first in this child process (src/engine/guard/).
    {...common, entryPoints: {probeWorker: "src/engine/guard/probeWorker.ts"}, outdir: "dist", platform: "node", format: "cjs", target: "node20", external: nodeExternals},
    // The panel's hardware sampler runs in a worker thread: systeminformation blocks on some sensors.
    {...common, entryPoints: {hardwareWorker: "src/hardware/hardwareWorker.ts"}, outdir: "dist", platform: "node", format: "cjs", target: "node20"},
    ...optional("src/quant/quantizeWorker.ts", {quantizeWorker: "src/quant/quantizeWorker.ts"}).map((entryPoints) =>
        ({...common, entryPoints, outdir: "dist", platform: "node", format: "cjs", target: "node20", external: nodeExternals})),
    // The A/B's scoring child process: raw logits through koffi -> libllama.
    ...optional("src/ab/runner/logits/logitsWorker.ts", {logitsWorker: "src/ab/runner/logits/logitsWorker.ts", logitsMathWorker: "src/ab/runner/logits/logitsMathWorker.ts"}).map((entryPoints) =>
        ({...common, entryPoints, outdir: "dist", platform: "node", format: "cjs", target: "node20", external: nodeExternals})),
    // The two webview apps; each bundles its own CSS (imported by its main.ts) into dist/<app>.css.
    {...common, entryPoints: {panel: "webview/panel/main.ts", assistant: "webview/assistant/main.ts"}, outdir: "dist", platform: "browser",
        format: "iife", target: "es2022", loader: {".css": "css"}}
];

function optional(path, entryPoints) {
    return existsSync(path) ? [entryPoints] : [];
}

if (watch) {
    for (const options of builds)
        await (await esbuild.context(options)).watch();
} else {
    await Promise.all(builds.map((options) => esbuild.build(options)));
}
