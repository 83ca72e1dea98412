/** Shapes of the models the project generates for its tests and benchmarks. */
export interface TestModelShape {
    readonly architecture: "qwen2" | "llama";
    readonly vocabulary: "tiny-qwen" | "qwen2" | "llama-spm";
    readonly embeddingLength: number;
    readonly blockCount: number;
    readonly headCount: number;
    readonly headCountKv: number;
    readonly feedForwardLength: number;
    readonly contextLength: number;
    /** Output projection shares the token embedding, as in Qwen2.5-Coder-0.5B. */
    readonly tiedOutput: boolean;
    readonly chatTemplate: boolean;
    readonly description: string;
}

export const GENERATED_MODEL_PRESETS = {
    /** A few hundred KB, written in milliseconds: the default for tests. */
    "tiny": {
        architecture: "qwen2", vocabulary: "tiny-qwen", embeddingLength: 64, blockCount: 2, headCount: 4,
        headCountKv: 2, feedForwardLength: 128, contextLength: 4096, tiedOutput: false, chatTemplate: true,
        description: "tiny qwen2 with FIM tokens and a tool-capable chat template"
    },
    /** Rows of 256 so k-quants (Q4_K, Q2_K, ...) really apply: for quantization and A/B tests. */
    "small": {
        architecture: "qwen2", vocabulary: "tiny-qwen", embeddingLength: 256, blockCount: 4, headCount: 4,
        headCountKv: 2, feedForwardLength: 768, contextLength: 4096, tiedOutput: false, chatTemplate: true,
        description: "small qwen2 (256 wide) whose tensors k-quants can take"
    },
    /** The real dimensions and vocabulary of Qwen2.5-Coder-0.5B, for benchmarks. */
    "coder-0.5b": {
        architecture: "qwen2", vocabulary: "qwen2", embeddingLength: 896, blockCount: 24, headCount: 14,
        headCountKv: 2, feedForwardLength: 4864, contextLength: 32768, tiedOutput: true, chatTemplate: true,
        description: "Qwen2.5-Coder-0.5B dimensions with the real Qwen2 vocabulary"
    },
    /** A LLaMA-architecture model with a SentencePiece vocabulary, no FIM tokens and no chat template. */
    "llama-spm": {
        architecture: "llama", vocabulary: "llama-spm", embeddingLength: 32, blockCount: 1, headCount: 2,
        headCountKv: 2, feedForwardLength: 64, contextLength: 2048, tiedOutput: false, chatTemplate: false,
        description: "llama architecture, SentencePiece vocabulary, no FIM, no chat template"
    }
} as const satisfies Record<string, TestModelShape>;

export type GeneratedModelPreset = keyof typeof GENERATED_MODEL_PRESETS;

export function isGeneratedModelPreset(name: string): name is GeneratedModelPreset {
    return Object.hasOwn(GENERATED_MODEL_PRESETS, name);
}
