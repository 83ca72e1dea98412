import {existsSync} from "node:fs";
import {join} from "node:path";
import type {GpuSetting} from "../engineSettings";
import {findExecutable} from "./findExecutable";

/** What node-llama-cpp's source build is asked for: a GPU backend, or `false` for CPU only. */
export type BuildGpu = "cuda" | "vulkan" | "metal" | false;

export interface BuildGpuChoice {
    readonly gpu: BuildGpu;
    /** Set when the request could not be honoured, e.g. "CUDA toolkit (nvcc) not found; building for the CPU". */
    readonly note?: string;
}

/**
 * Which backend to build, given the GPU setting, the GPU the engine runs on now (`runningGpu`,
 * what node-llama-cpp found usable) and the SDKs on this machine. "auto" builds for the GPU in
 * use, else the CPU: an SDK alone (a CUDA toolkit on a machine without an NVIDIA GPU) is no
 * reason to build for it. A backend whose SDK is missing would fail minutes into the build, so
 * it is ruled out up front and the build falls back to the CPU with a note saying what to install.
 */
export function chooseBuildGpu(
    setting: GpuSetting,
    runningGpu: string | false = false,
    env: NodeJS.ProcessEnv = process.env,
    platform: NodeJS.Platform = process.platform
): BuildGpuChoice {
    const wanted = setting === "auto" ? runningGpu : setting === "cpu" ? false : setting;
    if (wanted !== "cuda" && wanted !== "vulkan" && wanted !== "metal")
        return {gpu: false};
    const sdks = {metal: platform === "darwin", cuda: hasCudaToolkit(env, platform), vulkan: hasVulkanSdk(env, platform)};
    if (sdks[wanted])
        return {gpu: wanted};
    return {gpu: false, note: `${MISSING[wanted]}; building for the CPU instead`};
}

const MISSING: Record<"cuda" | "vulkan" | "metal", string> = {
    cuda: "the CUDA toolkit (nvcc) was not found, so a CUDA engine cannot be built (install the CUDA toolkit and build again)",
    vulkan: "the Vulkan SDK (glslc and the Vulkan headers) was not found, so a Vulkan engine cannot be built (install the Vulkan SDK and build again)",
    metal: "Metal exists only on macOS"
};

export function hasCudaToolkit(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): boolean {
    if (findExecutable("nvcc", env, platform) != null)
        return true;
    const exe = platform === "win32" ? "nvcc.exe" : "nvcc";
    const homes = [env.CUDA_PATH, env.CUDA_HOME, platform === "win32" ? undefined : "/usr/local/cuda"];
    return homes.some((home) => home != null && home !== "" && existsSync(join(home, "bin", exe)));
}

export function hasVulkanSdk(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): boolean {
    const sdk = env.VULKAN_SDK;
    const glslc = findExecutable("glslc", env, platform) ??
        (sdk != null && sdk !== "" && existsSync(join(sdk, "bin", platform === "win32" ? "glslc.exe" : "glslc")) ? "sdk" : undefined);
    if (glslc == null)
        return false;
    if (sdk != null && sdk !== "" && existsSync(join(sdk, "include", "vulkan", "vulkan.h")))
        return true;
    return platform !== "win32" && ["/usr/include/vulkan/vulkan.h", "/usr/local/include/vulkan/vulkan.h"].some((p) => existsSync(p));
}

export function describeBuildGpu(gpu: BuildGpu): string {
    return gpu === false ? "CPU" : {cuda: "CUDA", vulkan: "Vulkan", metal: "Metal"}[gpu];
}
