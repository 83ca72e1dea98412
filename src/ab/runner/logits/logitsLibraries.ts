import {existsSync, readdirSync} from "node:fs";
import {dirname, join} from "node:path";
import {nodeLlamaCppDir} from "../../../llamaSource/nodeLlamaCppPackage";
import type {LlamaLibrary} from "./logitsProtocol";

const LLAMA_NAME = /^(lib)?llama(\.[\w]+)*\.(so|dylib|dll)$/;
const GGML_NAME = /^(lib)?ggml(\.[\w]+)*\.(so|dylib|dll)$/;

/**
 * The libllama builds the scoring child should try, best first: the folder of QuantPilot's own
 * engine build when one is in use, then node-llama-cpp's prebuilt binaries for the backend the
 * run uses (`gpu` as node-llama-cpp reports it: false for the CPU, or "cuda", "vulkan", "metal").
 */
export function logitsLibraries(gpu: string | false, localBuildDir?: string, nodeModulesDir: string = dirname(nodeLlamaCppDir())): LlamaLibrary[] {
    const packages = prebuiltPackages(join(nodeModulesDir, "@node-llama-cpp"), gpu);
    const dirs = [
        ...(localBuildDir != null ? [localBuildDir, join(localBuildDir, "Release")] : []),
        ...packages.flatMap((p) => subfolders(join(p, "bins")))
    ];
    // node-llama-cpp's "-ext" packages carry GPU backends built against other driver versions, in `fallback/`.
    const fallbacks = [...new Set(dirs.map((dir) => join(dir, "fallback")))].filter((dir) => existsSync(dir));
    return dirs.flatMap((dir) => {
        const library = libraryIn(dir);
        return library == null ? [] : [{...library, fallbackBackends: fallbacks}];
    });
}

/** node-llama-cpp's names: linux-x64, linux-x64-cuda, mac-arm64-metal, win-x64-vulkan, ... */
function prebuiltPackages(scope: string, gpu: string | false): string[] {
    if (!existsSync(scope))
        return [];
    const os = process.platform === "darwin" ? "mac" : process.platform === "win32" ? "win" : process.platform;
    const prefix = `${os}-${process.arch === "arm" ? "armv7l" : process.arch}`;
    const names = readdirSync(scope).filter((name) => name === prefix || name.startsWith(`${prefix}-`));
    const wanted = gpu === false ? [prefix, `${prefix}-metal`] : [`${prefix}-${gpu}`, `${prefix}-${gpu}-ext`];
    return wanted.filter((name) => names.includes(name)).map((name) => join(scope, name));
}

function subfolders(dir: string): string[] {
    if (!existsSync(dir))
        return [];
    return readdirSync(dir, {withFileTypes: true}).filter((e) => e.isDirectory()).map((e) => join(dir, e.name));
}

function libraryIn(dir: string): Omit<LlamaLibrary, "fallbackBackends"> | undefined {
    if (!existsSync(dir))
        return undefined;
    const files = readdirSync(dir);
    const llama = files.find((f) => LLAMA_NAME.test(f));
    const ggml = files.find((f) => GGML_NAME.test(f));
    return llama != null && ggml != null ? {llama: join(dir, llama), ggml: join(dir, ggml)} : undefined;
}
