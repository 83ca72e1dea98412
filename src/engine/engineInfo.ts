import {readFileSync} from "node:fs";
import type {Llama} from "node-llama-cpp";
import type {EngineBuildRecord} from "./build/localEngineBuilds";
import type {EngineSelection} from "./llamaRuntime";

/** Which engine runs, as `quantpilot inspect --json`, `engine status` and the panel show it. */
export interface EngineInfo {
    /** "prebuilt" binaries from npm, or a "localBuild" made on this machine. */
    readonly build: "prebuilt" | "localBuild";
    /** The `quantpilot.engine.build` setting the backend was made with. */
    readonly setting: string;
    /** The CPU code variant: "native" for a local build, else the prebuilt variant picked ("icelake", "zen4", ...). */
    readonly cpuVariant: string;
    /** The CPU features llama.cpp uses, e.g. "AVX2 AVX512 AVX512_VNNI". */
    readonly cpuFeatures: string;
    /** "cuda" | "vulkan" | "metal", or false on the CPU. */
    readonly gpu: string | false;
    readonly gpuDevices: readonly string[];
    readonly localBuild?: EngineBuildRecord;
    /** Why a local build was expected but is not running. */
    readonly problem?: string;
}

export async function describeEngine(llama: Llama, selection: EngineSelection | undefined): Promise<EngineInfo> {
    const build = selection?.build ?? llama.buildType;
    return {
        build,
        setting: selection?.setting ?? "auto",
        cpuVariant: build === "localBuild" ? "native" : loadedCpuVariant() ?? "unknown",
        cpuFeatures: cpuFeaturesOf(llama.systemInfo),
        gpu: llama.gpu,
        gpuDevices: llama.gpu === false ? [] : await llama.getGpuDeviceNames().catch(() => []),
        ...(selection?.localBuild != null ? {localBuild: selection.localBuild} : {}),
        ...(selection?.localBuildProblem != null ? {problem: selection.localBuildProblem} : {})
    };
}

/**
 * The prebuilt binaries ship one CPU library per instruction-set level (libggml-cpu-haswell.so,
 * -icelake, -zen4, ...) and ggml loads the best one for this CPU; the one mapped into this
 * process says which. Linux only (elsewhere: undefined).
 */
export function loadedCpuVariant(maps: string | undefined = readMaps()): string | undefined {
    if (maps == null)
        return undefined;
    const variants = new Set<string>();
    for (const match of maps.matchAll(/libggml-cpu-([A-Za-z0-9_]+)\.(?:so|dylib|dll)/g))
        variants.add(match[1]!);
    return variants.size === 0 ? undefined : [...variants].join(", ");
}

/** "CPU : SSE3 = 1 | AVX = 1 | AVX2 = 1 | ..." → "SSE3 AVX AVX2 ...". */
export function cpuFeaturesOf(systemInfo: string): string {
    const cpuPart = systemInfo.split(/(?=\b[A-Z][A-Za-z]* : )/).find((part) => part.startsWith("CPU :")) ?? systemInfo;
    return [...cpuPart.matchAll(/([A-Z0-9_]+) = 1/g)].map((m) => m[1]).join(" ");
}

function readMaps(): string | undefined {
    if (process.platform !== "linux")
        return undefined;
    try {
        return readFileSync("/proc/self/maps", "utf8");
    } catch {
        return undefined;
    }
}
