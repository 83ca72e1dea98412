import {stat} from "node:fs/promises";
import {writeGguf, type TensorToWrite} from "./ggufWriter";
import {metaString, readGgufHeader} from "./ggufReader";
import {GGML_TYPE_F32} from "./ggmlTypes";
import {hashString, SeededRandom} from "./seededRandom";
import {f32, str, u32, type GgufEntry} from "./ggufValue";

export interface GeneratedAdapterOptions {
    /** The base model the adapter is made for: its architecture and weight shapes are read from here. */
    readonly basePath: string;
    readonly outPath: string;
    /** Default: 4. */
    readonly rank?: number;
    /** Default: 1. The same seed and base always give a byte-identical file. */
    readonly seed?: number;
    /** Weights adapted, by the part after `blk.N.`; default: the attention query and value projections. */
    readonly targets?: readonly string[];
    /** Default: the rank, so llama.cpp's alpha / rank factor is 1 and `scale` alone sets the strength. */
    readonly alpha?: number;
    readonly signal?: AbortSignal;
}

export interface GeneratedAdapterInfo {
    readonly path: string;
    readonly architecture: string;
    readonly tensorCount: number;
    readonly sizeBytes: number;
}

const DEFAULT_TARGETS = ["attn_q.weight", "attn_v.weight"];

/**
 * Writes a LoRA adapter with seeded random low-rank weights for a base model, in the layout
 * llama.cpp's `convert_lora_to_gguf.py` writes: for a weight of ggml shape [in, out], `.lora_a` is
 * [in, rank] and `.lora_b` is [rank, out], so the update is B·A. The adapter means nothing, but it
 * changes the model's output measurably, which is what tests and benchmarks of adapter handling need.
 */
export async function makeRandomAdapter(options: GeneratedAdapterOptions): Promise<GeneratedAdapterInfo> {
    // Only names and shapes are needed: the tokenizer is counted, not kept.
    const header = await readGgufHeader(options.basePath, options.signal, {maxKeptTokenizerItems: 0, maxKeptArrayItems: 0});
    const architecture = metaString(header, "general.architecture");
    if (architecture == null)
        throw new Error(`${options.basePath} does not name its architecture`);
    const rank = options.rank ?? 4;
    const seed = options.seed ?? 1;
    const targets = options.targets ?? DEFAULT_TARGETS;
    const adapted = header.tensors.filter((t) => t.dims.length === 2 && targets.some((target) => t.name.endsWith(`.${target}`)) && /^blk\.\d+\./.test(t.name));
    if (adapted.length === 0)
        throw new Error(`${options.basePath} has no ${targets.join(" or ")} weights to adapt`);
    const tensors = adapted.flatMap((t): TensorToWrite[] => {
        const [inputs, outputs] = t.dims as [number, number];
        return [
            randomMatrix(`${t.name}.lora_a`, [inputs, rank], 1 / Math.sqrt(inputs), seed),
            randomMatrix(`${t.name}.lora_b`, [rank, outputs], 1 / Math.sqrt(rank), seed)
        ];
    });
    const metadata = new Map<string, GgufEntry>([
        ["general.architecture", str(architecture)],
        ["general.type", str("adapter")],
        ["general.name", str(`QuantPilot random LoRA (seed ${seed}, rank ${rank}); the weights are random`)],
        ["adapter.type", str("lora")],
        ["adapter.lora.alpha", f32(options.alpha ?? rank)],
        ["general.file_type", u32(0)]
    ]);
    await writeGguf(options.outPath, metadata, tensors, options.signal);
    return {path: options.outPath, architecture, tensorCount: tensors.length, sizeBytes: (await stat(options.outPath)).size};
}

function randomMatrix(name: string, dims: [number, number], std: number, seed: number): TensorToWrite {
    const range = std * Math.sqrt(3);
    return {
        name, dims, type: GGML_TYPE_F32,
        data: function* () {
            const random = new SeededRandom(seed, hashString(name));
            const values = new Float32Array(dims[0] * dims[1]);
            for (let i = 0; i < values.length; i++)
                values[i] = random.nextSigned() * range;
            yield new Uint8Array(values.buffer);
        }
    };
}
