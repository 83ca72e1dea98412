/**
 * What the llama.cpp release bundled with node-llama-cpp 3.21.1 (v0.4.0) accepts, copied from its
 * source so the guard runs without git or the source at hand. test/unit/modelGuardRules.test.ts
 * reads the bundled src/llama-vocab.cpp, src/llama-model.cpp and src/llama-hparams.h and fails
 * when a list here no longer matches, so a node-llama-cpp upgrade cannot leave them stale.
 */

/** `tokenizer.ggml.model` values `llama_vocab::impl::load` knows; any other is refused. */
export const TOKENIZER_MODELS: ReadonlySet<string> = new Set([
    "bert", "gemma4", "gpt2", "hybriddna", "llama", "no_vocab", "none", "plamo2", "rwkv", "t5", "whitespace"
]);

/** Tokenizer models without a vocabulary: llama.cpp aborts building a text model from them. */
export const VOCABULARY_FREE_MODELS: ReadonlySet<string> = new Set(["no_vocab", "none"]);

/** Tokenizer models whose vocabulary is byte-level BPE and needs a known pre-tokenizer. */
export const BPE_MODELS: ReadonlySet<string> = new Set(["gpt2", "hybriddna", "whitespace"]);

/** `tokenizer.ggml.pre` values for BPE vocabularies (an empty or missing one means "default"). */
export const BPE_PRE_TOKENIZERS: ReadonlySet<string> = new Set([
    "default", "minicpm5", "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2",
    "jina-v5-nano", "deepseek-llm", "deepseek-coder", "deepseek-v3", "youtu", "falcon", "mpt", "starcoder", "gpt-2",
    "phi-2", "jina-es", "jina-de", "gigachat", "jina-v2-es", "jina-v2-de", "a.x-4.0", "mellum", "modern-bert", "jais-2",
    "gemma4", "granite-embed-multi-311m", "sarvam-moe", "jina-v1-en", "jina-v2-code", "roberta-bpe", "whitespace",
    "refact", "command-r", "qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2", "qwen35", "stablelm2", "olmo", "dbrx",
    "smaug-bpe", "poro-chat", "glm4", "chatglm-bpe", "viking", "jais", "tekken", "smollm", "codeshell", "bloom",
    "gpt3-finnish", "exaone", "exaone4", "exaone-moe", "chameleon", "minerva-7b", "megrez", "gpt-4o", "llama4",
    "kanana2", "talkie", "granite-embed-multi-97m", "tiny_aya", "cohere2moe", "superbpe", "trillion",
    "granite-docling", "bailingmoe", "bailingmoe2", "llada-moe", "seed-coder", "hunyuan", "hunyuan-dense",
    "joyai-llm", "kimi-k2", "grok-2", "afmoe", "laguna", "minimax-m2", "solar-open", "mellum2"
]);

/**
 * WordPiece ("bert") has no byte tokens: llama.cpp aborts (GGML_ABORT in token_to_byte) when it
 * turns a token typed as a byte into text, which it does for every token while loading.
 */
export const TOKENIZERS_WITHOUT_BYTE_TOKENS: ReadonlySet<string> = new Set(["bert"]);

/**
 * SentencePiece ("llama") falls back to `<0xXX>` byte tokens for text it cannot spell and looks
 * them up with `std::map::at`: a missing one throws through the C API and kills the process
 * (already while loading, for "\n").
 */
export const BYTE_FALLBACK_TOKENIZERS: ReadonlySet<string> = new Set(["llama"]);

/** `<arch>.rope.scaling.type` values; anything else trips a GGML_ASSERT in `llama_model::load_hparams`. */
export const ROPE_SCALING_TYPES: ReadonlySet<string> = new Set(["none", "linear", "yarn", "longrope"]);

/** LLAMA_MAX_LAYERS: `<arch>.block_count` must be 1..this or llama.cpp aborts. */
export const MAX_LAYERS = 512;

/** LLAMA_MAX_EXPERTS: `<arch>.expert_count` above this aborts llama.cpp. */
export const MAX_EXPERTS = 1024;

/** GGUF token type of a byte token (`LLAMA_TOKEN_TYPE_BYTE`). */
export const TOKEN_TYPE_BYTE = 6;
