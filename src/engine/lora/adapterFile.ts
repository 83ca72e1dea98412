import {basename} from "node:path";
import {GgufFormatError, metaNumber, metaString, readGgufHeader, type GgufHeader, type GgufTensorInfo} from "../../gguf/ggufReader";
import {AdapterRejectedError} from "./adapterRejectedError";

/** The weights of the loaded base model an adapter may change: name → ggml shape and type. */
export interface BaseModelShape {
    readonly architecture: string;
    readonly tensors: ReadonlyMap<string, {readonly dims: readonly number[]; readonly type: number}>;
}

/** What an adapter file holds, once it has passed every check. */
export interface AdapterFacts {
    readonly path: string;
    readonly fileName: string;
    readonly architecture: string;
    /** Rank of the low-rank update (the shared dimension of lora_a and lora_b). */
    readonly rank: number;
    /** `adapter.lora.alpha`; llama.cpp scales the update by alpha / rank when it is set (0 means 1). */
    readonly alpha: number;
    /** Base weights the adapter changes. */
    readonly adaptedWeights: number;
    /** Bytes of adapter tensors llama.cpp loads beside the model (what it adds to memory). */
    readonly tensorBytes: number;
}

/** llama.cpp 's `ggml_mul_mat` path for LoRA hits a GGML_ASSERT on NVFP4 feed-forward weights. */
const GGML_TYPE_NVFP4 = 40;

/** How the base model's header is read for its shapes: the tokenizer is counted, not kept. */
export const BASE_SHAPE_READ_LIMITS = {maxKeptTokenizerItems: 0, maxKeptArrayItems: 0};

/** The base model's adaptable shape, from its GGUF header. */
export function baseShapeOf(header: GgufHeader): BaseModelShape {
    return {
        architecture: metaString(header, "general.architecture") ?? "unknown",
        tensors: new Map(header.tensors.map((t) => [t.name, {dims: t.dims, type: t.type}]))
    };
}

/**
 * Checks an adapter file against the loaded base model before llama.cpp sees it: llama.cpp throws
 * for most of these, but a file it misreads can abort the whole process, and its messages name
 * neither the file nor what to do. Throws an `AdapterRejectedError` with one reason.
 */
export async function checkAdapterFile(path: string, base: BaseModelShape, signal?: AbortSignal): Promise<AdapterFacts> {
    const header = await readAdapterHeader(path, signal);
    const reject = (reason: string) => new AdapterRejectedError(path, reason);
    const type = metaString(header, "general.type");
    if (type !== "adapter")
        throw reject(`not a LoRA adapter (general.type=${type ?? "missing"})`);
    const adapterType = metaString(header, "adapter.type");
    if (adapterType !== "lora")
        throw reject(`not a LoRA adapter (adapter.type=${adapterType ?? "missing"})`);
    const architecture = metaString(header, "general.architecture") ?? "an unnamed architecture";
    if (architecture !== base.architecture)
        throw reject(`adapter made for ${architecture}, loaded model is ${base.architecture}`);
    checkWithinFile(header, reject);
    const {rank, adaptedWeights} = checkTensorPairs(header.tensors, base, reject);
    return {
        path, fileName: basename(path), architecture, rank, adaptedWeights,
        alpha: metaNumber(header, "adapter.lora.alpha") ?? 0,
        tensorBytes: header.tensors.reduce((sum, t) => sum + (t.byteSize ?? 0), 0)
    };
}

async function readAdapterHeader(path: string, signal: AbortSignal | undefined): Promise<GgufHeader> {
    try {
        return await readGgufHeader(path, signal);
    } catch (err) {
        if (err instanceof GgufFormatError)
            throw new AdapterRejectedError(path, `not a readable GGUF file (${err.message})`);
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "EACCES" || code === "EISDIR")
            throw new AdapterRejectedError(path, code === "ENOENT" ? "the file does not exist" : "the file cannot be read");
        throw err;
    }
}

function checkWithinFile(header: GgufHeader, reject: (reason: string) => Error): void {
    for (const tensor of header.tensors) {
        if (tensor.byteSize == null)
            throw reject(`adapter tensor ${tensor.name} has a type this llama.cpp does not know (${tensor.type})`);
        const end = header.dataOffset + tensor.offset + tensor.byteSize;
        if (end > header.fileSize)
            throw reject(`adapter file truncated (tensor ${tensor.name} ends at byte ${end}, the file has ${header.fileSize})`);
    }
}

interface PairCheck {
    readonly rank: number;
    readonly adaptedWeights: number;
}

/** Pairs `.lora_a` with `.lora_b` and checks each pair against the base weight, as llama-adapter.cpp does. */
function checkTensorPairs(tensors: readonly GgufTensorInfo[], base: BaseModelShape, reject: (reason: string) => Error): PairCheck {
    const pairs = new Map<string, {a?: GgufTensorInfo; b?: GgufTensorInfo}>();
    for (const tensor of tensors) {
        const part = tensor.name.endsWith(".lora_a") ? "a" : tensor.name.endsWith(".lora_b") ? "b" : undefined;
        if (part == null) {
            if (tensor.name.endsWith("_norm.weight"))
                continue; // llama.cpp skips norm vectors in adapters
            throw reject(`adapter tensor ${tensor.name} does not match the model (not a lora_a or lora_b tensor)`);
        }
        const weight = tensor.name.slice(0, -".lora_a".length);
        const pair = pairs.get(weight) ?? {};
        pair[part] = tensor;
        pairs.set(weight, pair);
    }
    if (pairs.size === 0)
        throw reject("the adapter has no lora_a/lora_b tensors");
    let rank = 0;
    for (const [weight, {a, b}] of pairs) {
        if (a == null || b == null)
            throw reject(`adapter tensor ${weight}.${a == null ? "lora_a" : "lora_b"} is missing (it comes in a pair)`);
        rank = Math.max(rank, checkPair(weight, a, b, base, reject));
    }
    return {rank, adaptedWeights: pairs.size};
}

function checkPair(weight: string, a: GgufTensorInfo, b: GgufTensorInfo, base: BaseModelShape, reject: (reason: string) => Error): number {
    const target = base.tensors.get(weight);
    if (target == null)
        throw reject(`adapter tensor ${a.name} does not match the model (the model has no ${weight})`);
    const shapes = `lora_a ${shape(a.dims)}, lora_b ${shape(b.dims)}, model weight ${shape(target.dims)}`;
    if (a.dims.length !== 2 || b.dims.length !== 2 || target.dims.length !== 2)
        throw reject(`adapter tensor ${a.name} does not match the model (${shapes})`);
    // token_embd is looked up, not multiplied: its pair is stored flipped (llm_build_inp_embd).
    const flipped = weight.endsWith("token_embd.weight");
    const [inputs, outputs] = target.dims as [number, number];
    const fits = flipped
        ? b.dims[1] === inputs && a.dims[1] === outputs && a.dims[0] === b.dims[0]
        : a.dims[0] === inputs && b.dims[1] === outputs && a.dims[1] === b.dims[0];
    if (!fits)
        throw reject(`adapter tensor ${a.name} does not match the model (${shapes})`);
    if (target.type === GGML_TYPE_NVFP4 && /ffn_(up|gate)/.test(weight))
        throw reject(`adapter tensor ${a.name} adapts an NVFP4 feed-forward weight, which llama.cpp cannot combine with LoRA`);
    return flipped ? a.dims[0]! : a.dims[1]!;
}

function shape(dims: readonly number[]): string {
    return `[${dims.join(", ")}]`;
}
