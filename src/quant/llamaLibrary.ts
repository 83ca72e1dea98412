import {existsSync, readdirSync} from "node:fs";
import {dirname, join} from "node:path";
import {nodeLlamaCppDir} from "../llamaSource/nodeLlamaCppPackage";

/**
 * Finds the `libllama` shared libraries that node-llama-cpp's prebuilt binary packages
 * (`@node-llama-cpp/<platform>[-gpu]`) ship for this platform, CPU build first: quantizing needs
 * no GPU, and the CPU build loads on every machine. GPU builds are fallbacks for installs (or
 * VSIXs) that carry only those.
 */
export function findLlamaLibraries(nodeModulesDir: string = dirname(nodeLlamaCppDir())): string[] {
    const scope = join(nodeModulesDir, "@node-llama-cpp");
    if (!existsSync(scope))
        return [];
    const prefix = platformPrefix();
    const packages = readdirSync(scope)
        .filter((name) => name === prefix || name.startsWith(`${prefix}-`))
        .sort((a, b) => packageRank(a, prefix) - packageRank(b, prefix) || a.localeCompare(b));
    return packages.flatMap((name) => librariesIn(join(scope, name, "bins")));
}

/** node-llama-cpp's names: linux-x64, linux-armv7l, mac-arm64-metal, win-x64, ... */
function platformPrefix(): string {
    const os = process.platform === "darwin" ? "mac" : process.platform === "win32" ? "win" : process.platform;
    const arch = process.arch === "arm" ? "armv7l" : process.arch;
    return `${os}-${arch}`;
}

function packageRank(name: string, prefix: string): number {
    if (name === prefix)
        return 0;
    const variant = name.slice(prefix.length + 1);
    return variant === "metal" ? 1 : variant === "vulkan" ? 2 : variant.endsWith("-ext") ? 4 : 3;
}

const LIBRARY_NAME = /^(lib)?llama(\.[\w]+)*\.(so|dylib|dll)$/;

function librariesIn(binsDir: string): string[] {
    if (!existsSync(binsDir))
        return [];
    return readdirSync(binsDir, {withFileTypes: true})
        .filter((entry) => entry.isDirectory())
        .flatMap((entry) => {
            const dir = join(binsDir, entry.name);
            return readdirSync(dir).filter((file) => LIBRARY_NAME.test(file)).map((file) => join(dir, file));
        });
}
