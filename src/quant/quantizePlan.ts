import type {GgufHeader} from "../gguf/ggufReader";
import {ggmlTypeInfo, tensorByteSize} from "../gguf/ggmlTypes";
import {dryRunNeedsImatrix, parseTensorLine, shapeWarnings} from "./quantizeLog";

/** What llama.cpp's dry run says a quantization will produce. */
export interface QuantizePlan {
    /** Predicted output file size: header plus each tensor at its planned type, padded. */
    readonly predictedBytes: number;
    readonly bitsPerWeight: number;
    /** The real run would stop for lack of an importance matrix. */
    readonly needsImatrix: boolean;
    /** llama.cpp's notes on tensors whose rows do not fit the type and get another one. */
    readonly shapeWarnings: readonly string[];
}

/**
 * Computes the plan from the input's header and the dry run's log. Sizes come from the planned
 * ggml type of each tensor and its shape, so they are exact for tensor data; only the metadata
 * section differs slightly (the output adds a key or two).
 */
export function planFromDryRun(header: GgufHeader, lines: readonly string[]): QuantizePlan {
    const planned = new Map<string, string | undefined>();
    for (const line of lines) {
        const parsed = parseTensorLine(line);
        if (parsed != null)
            planned.set(parsed.name, parsed.plannedType);
    }
    let dataBytes = 0;
    let paddedBytes = 0;
    let elements = 0;
    for (const tensor of header.tensors) {
        const target = planned.get(tensor.name);
        const typeId = target != null ? ggmlTypeIdByName(target) : tensor.type;
        const bytes = (typeId != null ? tensorByteSize(typeId, tensor.dims) : undefined) ?? tensor.byteSize ?? 0;
        dataBytes += bytes;
        paddedBytes += Math.ceil(bytes / header.alignment) * header.alignment;
        elements += tensor.dims.reduce((a, b) => a * b, 1);
    }
    return {
        predictedBytes: header.dataOffset + paddedBytes,
        bitsPerWeight: elements === 0 ? 0 : (dataBytes * 8) / elements,
        needsImatrix: dryRunNeedsImatrix(lines),
        shapeWarnings: shapeWarnings(lines)
    };
}

/** Bits per weight of a whole file, as `inspect` reports it: tensor bytes over elements. */
export function headerBitsPerWeight(header: GgufHeader): number {
    let bytes = 0;
    let elements = 0;
    for (const tensor of header.tensors) {
        bytes += tensor.byteSize ?? 0;
        elements += tensor.dims.reduce((a, b) => a * b, 1);
    }
    return elements === 0 ? 0 : (bytes * 8) / elements;
}

const MAX_GGML_TYPE_ID = 64;

/** ggml's lower-case names ("q4_K", "f16") to type ids of this release. */
function ggmlTypeIdByName(name: string): number | undefined {
    const wanted = name.toUpperCase();
    for (let id = 0; id < MAX_GGML_TYPE_ID; id++)
        if (ggmlTypeInfo(id)?.name === wanted)
            return id;
    return undefined;
}
