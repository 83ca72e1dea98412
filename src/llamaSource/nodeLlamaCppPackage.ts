import {existsSync, readFileSync} from "node:fs";
import {dirname, join} from "node:path";

/**
 * Where node-llama-cpp is installed. Found by walking up from this file so the same code works
 * from `src/` under tsx, from `dist/` in a packaged VSIX, and from the CLI; resolving through the
 * package's `exports` map is not possible because it does not export `package.json`.
 */
export function nodeLlamaCppDir(startDir: string = __dirname): string {
    for (let dir = startDir; ; dir = dirname(dir)) {
        const candidate = join(dir, "node_modules", "node-llama-cpp");
        if (existsSync(join(candidate, "package.json")))
            return candidate;
        if (dirname(dir) === dir)
            throw new Error(`node-llama-cpp is not installed (searched upwards from ${startDir})`);
    }
}

export interface BundledLlamaCppRelease {
    /** The llama.cpp release tag node-llama-cpp was built from, e.g. "b1234" or "v0.4.0". */
    readonly tag: string;
    readonly bundlePath: string;
    readonly nodeLlamaCppVersion: string;
}

export function bundledLlamaCppRelease(packageDir: string = nodeLlamaCppDir()): BundledLlamaCppRelease {
    const info = JSON.parse(readFileSync(join(packageDir, "llama", "llama.cpp.info.json"), "utf8")) as {tag?: unknown};
    const pkg = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as {version?: unknown};
    if (typeof info.tag !== "string")
        throw new Error("node-llama-cpp's llama/llama.cpp.info.json has no release tag");
    return {
        tag: info.tag,
        bundlePath: join(packageDir, "llama", "gitRelease.bundle"),
        nodeLlamaCppVersion: String(pkg.version)
    };
}
