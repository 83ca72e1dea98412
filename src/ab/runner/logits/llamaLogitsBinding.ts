import * as koffi from "koffi";

/**
 * The few libllama functions the quality comparison needs to read raw logits, through koffi:
 * load a model, make a context, decode a batch, view the logits as a Float32Array without
 * copying. node-llama-cpp 3.21.1 offers no raw logits (only a sorted probability Map per token,
 * which costs ~70 ms per token on a 151,936-token vocabulary), hence this binding. Used only in
 * the scoring child process (logitsWorker.ts), so a native crash cannot take the editor down.
 *
 * The structs are `llama_model_params`, `llama_context_params` and `llama_batch` exactly as
 * `include/llama.h` of llama.cpp release v0.4.0 (the one node-llama-cpp 3.21.1 ships) declares
 * them. Passing a mismatched struct by value corrupts memory silently, so `bindLlamaLogits`
 * checks the version, the sizes and the defaults the library hands back, and refuses anything else.
 */
const SUPPORTED_VERSIONS = ["0.4.0"];

/** Why the binding cannot be used; the message ends up in a note of the report. */
export class LogitsBindingError extends Error {
    override readonly name = "LogitsBindingError";
}

type Pointer = unknown;

interface ModelParams {
    n_gpu_layers: number;
    split_mode: number;
    load_mode: number;
    lazy_mode: number;
    use_extra_bufts: boolean;
    vocab_only: boolean;
}

interface ContextParams {
    n_ctx: number;
    n_batch: number;
    n_ubatch: number;
    n_seq_max: number;
    n_threads: number;
    n_threads_batch: number;
    type_k: number;
    offload_kqv: boolean;
    no_perf: boolean;
    kv_unified: boolean;
    embeddings: boolean;
}

interface Batch {
    n_tokens: number;
    token: Pointer;
    embd: Pointer;
    pos: Pointer;
    n_seq_id: Pointer;
    seq_id: Pointer;
    logits: Pointer;
}

/** What the declared layouts must read back from the library's default-parameter functions. */
const EXPECTED_MODEL_DEFAULTS: Partial<ModelParams> = {n_gpu_layers: -1, split_mode: 1, load_mode: -1, lazy_mode: 1, use_extra_bufts: true, vocab_only: false};
const EXPECTED_CONTEXT_DEFAULTS: Partial<ContextParams> = {
    n_ctx: 512, n_batch: 2048, n_ubatch: 512, n_seq_max: 1, type_k: 1, offload_kqv: true, no_perf: true, kv_unified: false, embeddings: false
};
const EXPECTED_SIZES_64_BIT = {model: 80, context: 160, batch: 56};

let types: {model: koffi.TypeObject; context: koffi.TypeObject; batch: koffi.TypeObject; log: koffi.TypeObject} | undefined;

function declareTypes(): NonNullable<typeof types> {
    types ??= {
        model: koffi.struct("qp_llama_model_params", {
            devices: "void *", tensor_buft_overrides: "void *", n_gpu_layers: "int32_t", split_mode: "int", load_mode: "int",
            lazy_mode: "int", main_gpu: "int32_t", tensor_split: "void *", progress_callback: "void *",
            progress_callback_user_data: "void *", kv_overrides: "void *", vocab_only: "bool", check_tensors: "bool",
            use_extra_bufts: "bool", no_host: "bool", no_alloc: "bool", load_mtp: "bool"
        }),
        context: koffi.struct("qp_llama_context_params", {
            n_ctx: "uint32_t", n_batch: "uint32_t", n_ubatch: "uint32_t", n_seq_max: "uint32_t", n_rs_seq: "uint32_t",
            n_outputs_max: "uint32_t", n_outputs_max_per_seq: "uint32_t", n_threads: "int32_t", n_threads_batch: "int32_t",
            ctx_type: "int", rope_scaling_type: "int", pooling_type: "int", attention_type: "int", flash_attn_type: "int",
            rope_freq_base: "float", rope_freq_scale: "float", yarn_ext_factor: "float", yarn_attn_factor: "float",
            yarn_beta_fast: "float", yarn_beta_slow: "float", yarn_orig_ctx: "uint32_t", defrag_thold: "float",
            cb_eval: "void *", cb_eval_user_data: "void *", type_k: "int", type_v: "int", abort_callback: "void *",
            abort_callback_data: "void *", embeddings: "bool", offload_kqv: "bool", no_perf: "bool", op_offload: "bool",
            swa_full: "bool", kv_unified: "bool", samplers: "void *", n_samplers: "size_t", ctx_other: "void *"
        }),
        batch: koffi.struct("qp_llama_batch", {
            n_tokens: "int32_t", token: "void *", embd: "void *", pos: "void *", n_seq_id: "void *", seq_id: "void *", logits: "void *"
        }),
        log: koffi.proto("void qp_ggml_log_callback(int level, const char *text, void *user_data)")
    };
    return types;
}

/** The bound functions; see llama.h for each. */
export interface LlamaLogitsBinding {
    readonly version: string;
    readonly libraryPath: string;
    modelDefaults(): ModelParams;
    contextDefaults(): ContextParams;
    loadModel(path: string, params: ModelParams): Pointer;
    freeModel(model: Pointer): void;
    modelSize(model: Pointer): number;
    vocabularySize(model: Pointer): number;
    newContext(model: Pointer, params: ContextParams): Pointer;
    freeContext(context: Pointer): void;
    clearMemory(context: Pointer): void;
    initBatch(tokens: number): Batch;
    freeBatch(batch: Batch): void;
    decode(context: Pointer, batch: Batch): number;
    /** All outputs of the last decode, row after row; valid until the next decode. */
    logits(context: Pointer, outputs: number, vocabularySize: number): Float32Array;
    /** Loads the ggml compute backends found in `dir` (the library's own folder is loaded at bind time). */
    loadBackends(dir: string): void;
    /** Devices of the loaded backends that are GPUs (discrete or integrated). */
    gpuDevices(): number;
}

const GGML_BACKEND_DEVICE_TYPE_GPU = 1;
const GGML_BACKEND_DEVICE_TYPE_IGPU = 2;

/**
 * Loads libllama (and its libggml, to load the compute backends from the same folder), checks
 * it is the release the structs above describe, routes its log to `onLog` and initialises it.
 */
export function bindLlamaLogits(llamaPath: string, ggmlPath: string, onLog: (level: number, text: string) => void): LlamaLogitsBinding {
    const t = declareTypes();
    const ggml = loadLibrary(ggmlPath);
    const lib = loadLibrary(llamaPath);
    const symbol = (from: koffi.LibraryHandle, path: string, definition: string) => {
        try {
            return from.func(definition);
        } catch (err) {
            throw new LogitsBindingError(`${path} lacks a function QuantPilot needs (${(err as Error).message})`);
        }
    };
    const fn = (definition: string) => symbol(lib, llamaPath, definition);
    const version = String(fn("const char *llama_version(void)")() ?? "");
    if (!SUPPORTED_VERSIONS.includes(version.replace(/-.*$/, "")))
        throw new LogitsBindingError(`this node-llama-cpp ships llama.cpp ${version || "of an unknown version"}, but QuantPilot's scorer was written for llama.cpp ${SUPPORTED_VERSIONS.join(", ")}`);
    const modelDefaults = fn("qp_llama_model_params llama_model_default_params(void)") as () => ModelParams;
    const contextDefaults = fn("qp_llama_context_params llama_context_default_params(void)") as () => ContextParams;
    checkLayout(t, modelDefaults(), contextDefaults(), version);
    // Registered once and never unregistered: llama.cpp keeps the pointer for the process's life.
    fn("void llama_log_set(qp_ggml_log_callback *callback, void *user_data)")(
        koffi.register((level: number, text: string | null) => onLog(level, text ?? ""), koffi.pointer(t.log)), null);
    const loadBackends = symbol(ggml, ggmlPath, "void ggml_backend_load_all_from_path(const char *dir)");
    const devCount = symbol(ggml, ggmlPath, "size_t ggml_backend_dev_count(void)");
    const devGet = symbol(ggml, ggmlPath, "void *ggml_backend_dev_get(size_t index)");
    const devType = symbol(ggml, ggmlPath, "int ggml_backend_dev_type(void *device)");
    loadBackends(directoryOf(llamaPath));
    fn("void llama_backend_init(void)")();
    const getMemory = fn("void *llama_get_memory(void *ctx)");
    const memoryClear = fn("void llama_memory_clear(void *mem, bool data)");
    const getVocab = fn("void *llama_model_get_vocab(void *model)");
    const vocabTokens = fn("int32_t llama_vocab_n_tokens(void *vocab)");
    const getLogits = fn("float *llama_get_logits(void *ctx)");
    const batchInit = fn("qp_llama_batch llama_batch_init(int32_t n_tokens, int32_t embd, int32_t n_seq_max)");
    return {
        version, libraryPath: llamaPath, modelDefaults, contextDefaults,
        loadModel: fn("void *llama_model_load_from_file(const char *path, qp_llama_model_params params)") as LlamaLogitsBinding["loadModel"],
        freeModel: fn("void llama_model_free(void *model)") as LlamaLogitsBinding["freeModel"],
        modelSize: (model) => Number(fn("uint64_t llama_model_size(void *model)")(model)),
        vocabularySize: (model) => vocabTokens(getVocab(model)) as number,
        newContext: fn("void *llama_init_from_model(void *model, qp_llama_context_params params)") as LlamaLogitsBinding["newContext"],
        freeContext: fn("void llama_free(void *ctx)") as LlamaLogitsBinding["freeContext"],
        clearMemory: (context) => memoryClear(getMemory(context), true),
        initBatch: (tokens) => batchInit(tokens, 0, 1) as Batch,
        freeBatch: fn("void llama_batch_free(qp_llama_batch batch)") as LlamaLogitsBinding["freeBatch"],
        decode: fn("int32_t llama_decode(void *ctx, qp_llama_batch batch)") as LlamaLogitsBinding["decode"],
        logits: (context, outputs, vocabularySize) => new Float32Array(koffi.view(getLogits(context), outputs * vocabularySize * 4)),
        loadBackends: (dir) => loadBackends(dir),
        gpuDevices: () => {
            let gpus = 0;
            for (let i = 0; i < Number(devCount()); i++) {
                const type = devType(devGet(i)) as number;
                if (type === GGML_BACKEND_DEVICE_TYPE_GPU || type === GGML_BACKEND_DEVICE_TYPE_IGPU)
                    gpus++;
            }
            return gpus;
        }
    };
}

/** A writable view of `count` elements at a native pointer. */
export function nativeInt32(pointer: Pointer, count: number): Int32Array {
    return new Int32Array(koffi.view(pointer, count * 4));
}

export function nativeInt8(pointer: Pointer, count: number): Int8Array {
    return new Int8Array(koffi.view(pointer, count));
}

/** The `count` pointers of a native pointer array, each viewed as one int32. */
export function nativeInt32Targets(pointer: Pointer, count: number): Int32Array[] {
    const addresses = new BigUint64Array(koffi.view(pointer, count * 8));
    return Array.from(addresses, (address) => new Int32Array(koffi.view(address, 4)));
}

function loadLibrary(path: string): koffi.LibraryHandle {
    try {
        return koffi.load(path);
    } catch (err) {
        throw new LogitsBindingError(`could not load ${path}: ${(err as Error).message}`);
    }
}

function directoryOf(path: string): string {
    return path.replace(/[\\/][^\\/]*$/, "");
}

function checkLayout(t: NonNullable<typeof types>, model: ModelParams, context: ContextParams, version: string): void {
    if (koffi.sizeof("void *") === 8) {
        const sizes = {model: koffi.sizeof(t.model), context: koffi.sizeof(t.context), batch: koffi.sizeof(t.batch)};
        for (const [name, size] of Object.entries(sizes)) {
            if (size !== EXPECTED_SIZES_64_BIT[name as keyof typeof sizes])
                throw new LogitsBindingError(`llama.cpp's ${name} struct is declared as ${size} bytes, not ${EXPECTED_SIZES_64_BIT[name as keyof typeof sizes]}`);
        }
    }
    const check = (what: string, actual: object, expected: object) => {
        for (const [key, value] of Object.entries(expected)) {
            const got = (actual as Record<string, unknown>)[key];
            if (got !== value && Number(got) !== Number(value))
                throw new LogitsBindingError(`llama.cpp ${version}'s default ${what} parameters differ from the ones QuantPilot was written for (${key} is ${String(got)}, expected ${String(value)})`);
        }
    };
    check("model", model, EXPECTED_MODEL_DEFAULTS);
    check("context", context, EXPECTED_CONTEXT_DEFAULTS);
}
