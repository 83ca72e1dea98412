import {readFileSync} from "node:fs";

/** The compiler flags that leave out Intel AMX (tile) instructions. */
const NO_AMX = "-mno-amx-tile -mno-amx-int8 -mno-amx-bf16";

/**
 * Extra cmake options for a build tuned to this CPU (`GGML_NATIVE`, node-llama-cpp's default for
 * local builds).
 *
 * On CPUs with AMX, ggml's AMX kernels are left out: on the Sapphire Rapids machine this was
 * measured on, every native build of this llama.cpp release (llama-bench and node-llama-cpp's
 * addon alike) crashed in `ggml_backend_amx_mul_mat` on Q4_K_M models, while the prebuilt
 * AMX variant did not. The flags go into the Release flags because cmake-js sets
 * CMAKE_CXX_FLAGS itself; GCC and Clang honour an explicit -mno-* over -march=native in any order.
 */
export function nativeCpuCmakeOptions(cpuFlags: readonly string[] = linuxCpuFlags(), platform: NodeJS.Platform = process.platform): Record<string, string> {
    if (platform === "win32" || !cpuFlags.some((f) => f.startsWith("amx")))
        return {};
    const release = `-O3 -DNDEBUG ${NO_AMX}`;
    return {CMAKE_C_FLAGS_RELEASE: release, CMAKE_CXX_FLAGS_RELEASE: release};
}

function linuxCpuFlags(): string[] {
    try {
        const line = readFileSync("/proc/cpuinfo", "utf8").split("\n").find((l) => l.startsWith("flags"));
        return line?.split(":")[1]?.trim().split(/\s+/) ?? [];
    } catch {
        return [];
    }
}
