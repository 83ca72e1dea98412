/** One quantization: read a GGUF, write it in another llama.cpp type. */
export interface QuantizeOptions {
    /** An F32/F16/BF16 GGUF (or a quantized one, with `allowRequantize`). */
    inputPath: string;
    /** Where the result goes. Written under a temporary name and renamed when complete. */
    outputPath: string;
    /** A llama-quantize type name, any case: "Q4_K_M", "Q8_0", "IQ4_XS", ... (aliases Q3_K/Q4_K/Q5_K allowed). */
    type: string;
    /** Threads llama.cpp quantizes with. Default: the number of physical cores. */
    threads?: number;
    /** Allow an input whose tensors are already quantized (quality suffers). Default: false. */
    allowRequantize?: boolean;
    /** Replace an existing output file. Default: false (an existing file is an error). */
    overwrite?: boolean;
    /** Aborting kills the quantizer process and removes the partial output. */
    signal?: AbortSignal;
    /** 0..1, weighted by tensor size; called often, cheap to handle. */
    onProgress?: (fraction: number) => void;
}

export interface QuantizeResult {
    outputPath: string;
    /** Canonical type name ("Q4_K_M" for "q4_k"). */
    type: string;
    inputBytes: number;
    outputBytes: number;
    /** Tensor bits over tensor elements of the output, mixed types included. */
    bitsPerWeight: number;
    seconds: number;
}
