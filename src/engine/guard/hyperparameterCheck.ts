import type {GgufHeader, GgufTensorInfo} from "../../gguf/ggufHeader";
import {arrayLength, GgufValueType, type GgufEntry} from "../../gguf/ggufValue";
import {MAX_EXPERTS, MAX_LAYERS, ROPE_SCALING_TYPES} from "./llamaCppRules";

/** `blk.N.` (and `enc.blk.N.` / `dec.blk.N.` of encoder-decoder models) in a tensor name. */
const BLOCK_TENSOR = /(?:^|\.)blk\.(\d+)\./;

/**
 * The hyper-parameters against each other and against the tensors the file holds. Each rule
 * matches a case where llama.cpp aborts the process (a GGML_ASSERT on a count, a tensor
 * dimension of 0) or refuses the file; the reason says which, in words. Returns undefined when
 * nothing is wrong.
 */
export function hyperparameterProblem(header: GgufHeader, architecture: string): string | undefined {
    const params = new HyperParameters(header, architecture);
    return blockProblem(params, header.tensors) ?? sizeProblem(params, header.tensors) ?? expertProblem(params) ??
        ropeProblem(params) ?? shapeProblem(params, header.tensors) ?? vocabularyRowsProblem(header) ??
        headShapeProblem(params, header.tensors) ?? contextProblem(params, header.tensors);
}

class HyperParameters {
    constructor(private readonly header: GgufHeader, readonly architecture: string) {}

    key(name: string): string {
        return `${this.architecture}.${name}`;
    }

    entry(name: string): GgufEntry | undefined {
        return this.header.metadata.get(this.key(name));
    }

    /** A scalar count; undefined when absent, NaN when present but not a number. */
    count(name: string): number | undefined {
        const entry = this.entry(name);
        if (entry == null)
            return undefined;
        return typeof entry.value === "number" && entry.type !== GgufValueType.Array ? entry.value : Number.NaN;
    }

    /** The largest value of a key that may be one number or one per layer. */
    maxPerLayer(name: string): number {
        const entry = this.entry(name);
        if (entry == null)
            return 0;
        const values = entry.type === GgufValueType.Array ? entry.value : [entry.value];
        return values.reduce<number>((max, v) => typeof v === "number" && v > max ? v : max, 0);
    }
}

function blockProblem(params: HyperParameters, tensors: readonly GgufTensorInfo[]): string | undefined {
    const blocks = params.count("block_count");
    if (blocks == null)
        return `it does not say how many layers it has (${params.key("block_count")})`;
    if (!Number.isInteger(blocks))
        return `its layer count (${params.key("block_count")}) is not a whole number`;
    if (blocks < 1 || blocks > MAX_LAYERS)
        return `it declares ${blocks} layers; llama.cpp accepts 1 to ${MAX_LAYERS} and aborts on any other count`;
    const present = new Set<number>();
    for (const t of tensors) {
        const match = BLOCK_TENSOR.exec(t.name);
        if (match != null)
            present.add(Number(match[1]));
    }
    if (present.size === 0)
        return undefined; // not a layered transformer (llama.cpp checks such files itself)
    for (let i = 0; i < blocks; i++)
        if (!present.has(i))
            return `it declares ${blocks} layers but holds no tensors for layer ${i}`;
    const beyond = [...present].find((i) => i >= blocks);
    return beyond != null ? `it declares ${blocks} layers but holds tensors for layer ${beyond}` : undefined;
}

function sizeProblem(params: HyperParameters, tensors: readonly GgufTensorInfo[]): string | undefined {
    const embedding = params.count("embedding_length");
    if (embedding == null)
        return `it does not give its embedding length (${params.key("embedding_length")})`;
    if (!Number.isInteger(embedding) || embedding < 1)
        return `its embedding length is ${embedding}, which would crash llama.cpp`;
    const has = (part: RegExp) => tensors.some((t) => part.test(t.name));
    const attention = has(/blk\.\d+\.attn_(q|k|v|qkv)\.weight$/);
    for (const name of ["attention.head_count", "attention.head_count_kv"])
        if (attention && params.count(name) === 0)
            return `its attention layers have ${params.key(name)} = 0, which would crash llama.cpp`;
    if (has(/blk\.\d+\.ffn_(up|gate|down)\.weight$/) && params.count("feed_forward_length") === 0)
        return `its feed-forward layers have ${params.key("feed_forward_length")} = 0, which would crash llama.cpp`;
    return undefined;
}

/** The expert counts, as llama_model::load_hparams asserts them. */
function expertProblem(params: HyperParameters): string | undefined {
    const experts = params.count("expert_count") ?? 0;
    const used = params.maxPerLayer("expert_used_count");
    const groups = params.count("expert_group_count") ?? 0;
    const groupsUsed = params.count("expert_group_used_count") ?? 0;
    const nextn = params.count("nextn_predict_layers") ?? 0;
    const blocks = params.count("block_count") ?? 0;
    if (nextn > blocks)
        return `it declares ${nextn} prediction layers beyond its ${blocks} layers`;
    if (Number.isNaN(experts) || experts > MAX_EXPERTS)
        return `it declares ${experts} experts; llama.cpp accepts at most ${MAX_EXPERTS} and aborts otherwise`;
    if (used > experts)
        return `it routes to ${used} experts per token but has ${experts}`;
    if (experts > 0 && (used === 0 || groups >= experts))
        return `its expert routing (${used} used, ${groups} groups of ${experts} experts) would crash llama.cpp`;
    if (experts > 0 && groups > 1 && (experts % groups !== 0 || groupsUsed === 0 || groupsUsed >= groups))
        return `its expert groups (${groups} groups, ${groupsUsed} used, ${experts} experts) would crash llama.cpp`;
    if (experts === 0 && groups !== 0)
        return `it declares ${groups} expert groups but no experts`;
    return undefined;
}

function ropeProblem(params: HyperParameters): string | undefined {
    const entry = params.entry("rope.scaling.type");
    if (entry == null || entry.type !== GgufValueType.String)
        return undefined;
    return ROPE_SCALING_TYPES.has(String(entry.value)) ? undefined
        : `its rope scaling type "${String(entry.value)}" is unknown to llama.cpp, which aborts on it`;
}

/**
 * Tensors that read the residual stream take `embedding_length` inputs in every transformer
 * llama.cpp runs; the token embedding has one row per token.
 */
function shapeProblem(params: HyperParameters, tensors: readonly GgufTensorInfo[]): string | undefined {
    const embedding = params.count("embedding_length")!;
    for (const t of tensors) {
        const axis = residualAxis(t.name);
        if (axis != null && t.dims[axis] !== embedding)
            return `tensor ${t.name} has shape ${t.dims.join(" × ")}, which does not match its embedding length ${embedding}`;
    }
    return undefined;
}

function residualAxis(name: string): number | undefined {
    if (/^(token_embd|output_norm)\.weight$/.test(name) || /^blk\.\d+\.(attn_norm|ffn_norm|attn_q|attn_k|attn_v|ffn_up|ffn_gate)\.weight$/.test(name))
        return 0;
    if (/^blk\.\d+\.(attn_output|ffn_down)\.weight$/.test(name))
        return 1;
    return undefined;
}

/** One row of the token embedding (and of the output matrix) per token of the vocabulary. */
function vocabularyRowsProblem(header: GgufHeader): string | undefined {
    const tokens = header.metadata.get("tokenizer.ggml.tokens");
    const embedding = header.tensors.find((t) => t.name === "token_embd.weight");
    if (embedding == null)
        return "it has no token embedding (token_embd.weight)";
    if (tokens == null)
        return undefined;
    const count = arrayLength(tokens);
    for (const t of header.tensors)
        if ((t.name === "token_embd.weight" || t.name === "output.weight") && t.dims.length === 2 && t.dims[1] !== count)
            return `tensor ${t.name} has ${t.dims[1]} rows for a vocabulary of ${count} tokens`;
    return undefined;
}

/**
 * Architectures whose attention is plain multi-head / grouped-query attention: the query,
 * key and value projections produce heads × head size outputs. (Others add gates, latent
 * projections or per-layer sizes; llama.cpp checks those itself.)
 */
const PLAIN_ATTENTION = new Set(["llama", "qwen2", "qwen3", "qwen2moe", "qwen3moe", "gemma", "gemma2", "gemma3", "starcoder2",
    "granite", "granitemoe", "olmo", "olmo2", "internlm2", "stablelm", "smollm3"]);

function headShapeProblem(params: HyperParameters, tensors: readonly GgufTensorInfo[]): string | undefined {
    const heads = params.count("attention.head_count");
    if (!PLAIN_ATTENTION.has(params.architecture) || heads == null || !Number.isInteger(heads) || heads < 1)
        return undefined;
    const kvHeads = params.count("attention.head_count_kv") ?? heads;
    const embedding = params.count("embedding_length")!;
    const keySize = params.count("attention.key_length") ?? Math.floor(embedding / heads);
    const valueSize = params.count("attention.value_length") ?? Math.floor(embedding / heads);
    const expected: Record<string, number> = {attn_q: heads * keySize, attn_k: kvHeads * keySize, attn_v: kvHeads * valueSize};
    for (const t of tensors) {
        const part = /^blk\.\d+\.(attn_q|attn_k|attn_v)\.weight$/.exec(t.name)?.[1];
        if (part != null && t.dims[1] !== expected[part])
            return `tensor ${t.name} has ${t.dims[1]} outputs where ${heads} heads (${kvHeads} for keys and values) of its size need ${expected[part]}`;
    }
    return undefined;
}

/** A learned position table must cover the trained context, or positions past it read out of bounds. */
function contextProblem(params: HyperParameters, tensors: readonly GgufTensorInfo[]): string | undefined {
    const context = params.count("context_length");
    if (context == null)
        return `it does not give its context length (${params.key("context_length")})`;
    const positions = tensors.find((t) => t.name === "position_embd.weight")?.dims[1];
    if (positions != null && context > positions)
        return `its context length ${context} is longer than its position table (${positions} positions)`;
    return undefined;
}
