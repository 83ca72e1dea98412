import * as koffi from "koffi";

/**
 * `llama_model_quantize` and friends from a prebuilt libllama, through koffi. Used only inside the
 * quantization child process: a native crash there cannot take the extension host down.
 *
 * The struct below is `llama_model_quantize_params` exactly as `include/llama.h` of llama.cpp
 * release v0.4.0 (the one node-llama-cpp 3.21.1 ships) declares it. A different release may
 * reorder or add fields, and passing a mismatched struct by pointer corrupts memory silently,
 * so `bindLlamaQuantize` checks the version and the defaults the library hands back and refuses
 * anything else.
 */
const SUPPORTED_VERSIONS = ["0.4.0"];

/** What the declared layout must read back from `llama_model_quantize_default_params()`. */
const EXPECTED_DEFAULTS = {
    nthread: 0,
    ftype: 7, // LLAMA_FTYPE_MOSTLY_Q8_0
    output_tensor_type: 43, // GGML_TYPE_COUNT: "not set"
    token_embedding_type: 43,
    allow_requantize: false,
    quantize_output_tensor: true,
    only_copy: false,
    pure: false,
    keep_split: false,
    dry_run: false,
    imatrix: null,
    kv_overrides: null,
    tt_overrides: null,
    prune_layers: null,
    max_buf_size: 8 * 1024 ** 3
} as const;

const EXPECTED_SIZE_64_BIT = 64;

export type QuantizeParams = {-readonly [K in keyof typeof EXPECTED_DEFAULTS]: (typeof EXPECTED_DEFAULTS)[K] extends null ? null : (typeof EXPECTED_DEFAULTS)[K] extends boolean ? boolean : number};

export interface LlamaQuantizeBinding {
    readonly version: string;
    readonly libraryPath: string;
    defaultParams(): QuantizeParams;
    /** Runs on one of koffi's worker threads, so this process's event loop (IPC, signals) stays live. */
    quantize(inputPath: string, outputPath: string, params: QuantizeParams): Promise<number>;
}

/** Why a library cannot be used; the message ends up in front of a person. */
export class BindingRefusedError extends Error {
    override readonly name = "BindingRefusedError";
}

let paramsType: koffi.TypeObject | undefined;
let logCallbackType: koffi.TypeObject | undefined;

function declareTypes(): {params: koffi.TypeObject; logCallback: koffi.TypeObject} {
    paramsType ??= koffi.struct("llama_model_quantize_params", {
        nthread: "int32_t",
        ftype: "int", // enum llama_ftype
        output_tensor_type: "int", // enum ggml_type
        token_embedding_type: "int",
        allow_requantize: "bool",
        quantize_output_tensor: "bool",
        only_copy: "bool",
        pure: "bool",
        keep_split: "bool",
        dry_run: "bool",
        imatrix: "const void *", // const struct llama_model_imatrix_data *
        kv_overrides: "const void *", // const struct llama_model_kv_override *
        tt_overrides: "const void *", // const struct llama_model_tensor_override *
        prune_layers: "const int32_t *",
        max_buf_size: "size_t"
    });
    logCallbackType ??= koffi.proto("void ggml_log_callback(int level, const char *text, void *user_data)");
    return {params: paramsType, logCallback: logCallbackType};
}

/**
 * Loads `libraryPath`, checks it is the release the struct above describes, routes llama.cpp's
 * log to `onLog` (called on this thread's event loop) and initialises the backend.
 */
export function bindLlamaQuantize(libraryPath: string, onLog: (level: number, text: string) => void): LlamaQuantizeBinding {
    const types = declareTypes();
    let lib: koffi.LibraryHandle;
    try {
        lib = koffi.load(libraryPath);
    } catch (err) {
        throw new BindingRefusedError(`could not load ${libraryPath}: ${(err as Error).message}`);
    }
    const symbol = (definition: string) => {
        try {
            return lib.func(definition);
        } catch (err) {
            throw new BindingRefusedError(`${libraryPath} lacks a function QuantPilot needs (${(err as Error).message})`);
        }
    };
    const version = String(symbol("const char *llama_version(void)")() ?? "");
    if (!SUPPORTED_VERSIONS.includes(version.replace(/-.*$/, "")))
        throw new BindingRefusedError(
            `this node-llama-cpp ships llama.cpp ${version || "of an unknown version"}, but QuantPilot's quantizer was written ` +
            `for llama.cpp ${SUPPORTED_VERSIONS.join(", ")}; update QuantPilot`);
    const defaultParams = symbol("llama_model_quantize_params llama_model_quantize_default_params(void)") as () => QuantizeParams;
    checkLayout(types.params, defaultParams(), version);
    const logSet = symbol("void llama_log_set(ggml_log_callback *callback, void *user_data)");
    const backendInit = symbol("void llama_backend_init(void)");
    const quantize = symbol("uint32_t llama_model_quantize(const char *fname_inp, const char *fname_out, const llama_model_quantize_params *params)");
    // Registered once and never unregistered: llama.cpp keeps the pointer for the process's life.
    logSet(koffi.register((level: number, text: string | null) => onLog(level, text ?? ""), koffi.pointer(types.logCallback)), null);
    backendInit();
    return {
        version,
        libraryPath,
        defaultParams: () => defaultParams(),
        quantize: (inputPath, outputPath, params) => new Promise<number>((resolve, reject) => {
            quantize.async(inputPath, outputPath, params, (err: unknown, status: number) => err != null ? reject(err) : resolve(status));
        })
    };
}

function checkLayout(params: koffi.TypeObject, defaults: QuantizeParams, version: string): void {
    const size = koffi.sizeof(params);
    if (koffi.sizeof("void *") === 8 && size !== EXPECTED_SIZE_64_BIT)
        throw new BindingRefusedError(`llama_model_quantize_params is declared as ${size} bytes, not ${EXPECTED_SIZE_64_BIT}`);
    for (const [key, expected] of Object.entries(EXPECTED_DEFAULTS)) {
        const actual = (defaults as Record<string, unknown>)[key];
        if (actual !== expected && Number(actual) !== expected)
            throw new BindingRefusedError(
                `llama.cpp ${version}'s default quantization parameters differ from the ones QuantPilot was written for ` +
                `(${key} is ${String(actual)}, expected ${String(expected)}); update QuantPilot`);
    }
}
