import type {ModelFileFacts} from "./modelFile";
import type {SpeculationDescription} from "./speculative/speculation";
import type {ActiveAdapter} from "./lora/adapterRequest";

/** What is loaded and how it runs: everything the status bar, the panel and `inspect` show. */
export interface ModelDescription extends ModelFileFacts {
    /** The size of the context QuantPilot created, in tokens. */
    readonly contextSize: number;
    /** The model's own FIM tokens were found, so completions use fill-in-the-middle. */
    readonly hasFim: boolean;
    /** The chat template supports tools and node-llama-cpp can drive them. */
    readonly supportsTools: boolean;
    /** node-llama-cpp's chat wrapper for this model ("Qwen", "Llama3_1", ...). */
    readonly chatWrapper: string;
    readonly runtime: RuntimeDescription;
    readonly loadMs: number;
    /** Speculative decoding as loaded; absent when the load did not set it up. */
    readonly speculation?: SpeculationDescription;
    /** LoRA adapters applied to the weights, in the order they stack; absent or empty: none. */
    readonly adapters?: readonly ActiveAdapter[];
    /** Why adapters asked for at load were not applied (the model serves without them). */
    readonly adapterNotice?: string;
}

export interface RuntimeDescription {
    /** "cuda" | "vulkan" | "metal" | false when running on the CPU. */
    readonly gpu: string | false;
    readonly gpuName?: string;
    /** Layers offloaded to the GPU (0 on the CPU). */
    readonly gpuLayers: number;
    /** Threads for prompt processing. */
    readonly threads: number;
    /** Threads for decode steps, as loaded (a thread probe may change both later; see servingThreadsOf). */
    readonly decodeThreads?: number;
    /** "prebuilt" binaries from npm, or a "localBuild" made on this machine. */
    readonly build: string;
}
