/**
 * node-llama-cpp is ESM-only and the extension host loads CommonJS, so it is loaded with a
 * dynamic import (kept as `import()` by esbuild because the package is external). This file and
 * its siblings in `src/engine/` are the only places that touch it.
 */
import type * as NodeLlamaCppModule from "node-llama-cpp";

export type NodeLlamaCpp = typeof NodeLlamaCppModule;

let loading: Promise<NodeLlamaCpp> | undefined;

export function loadNodeLlamaCpp(): Promise<NodeLlamaCpp> {
    loading ??= import("node-llama-cpp");
    return loading;
}

/** Architectures this node-llama-cpp release (and so its llama.cpp) knows by name. */
export async function knownArchitectures(): Promise<ReadonlySet<string>> {
    // Declared as a const enum in the typings, but a plain object at runtime.
    const module = (await loadNodeLlamaCpp()) as unknown as {GgufArchitectureType: Record<string, string>};
    return new Set<string>(Object.values(module.GgufArchitectureType));
}
