/** `quantpilot.gpu` / `--gpu`: which GPU backend to use; "auto" picks what the machine has. */
export type GpuSetting = "auto" | "cpu" | "cuda" | "vulkan" | "metal";

export const GPU_SETTINGS: readonly GpuSetting[] = ["auto", "cpu", "cuda", "vulkan", "metal"];

/** `quantpilot.engine.build`: "auto" uses QuantPilot's local build when there is one; "prebuilt" never does. */
export type EngineBuildSetting = "auto" | "prebuilt";

export const ENGINE_BUILD_SETTINGS: readonly EngineBuildSetting[] = ["auto", "prebuilt"];
