import {access, constants, stat} from "node:fs/promises";
import {dirname} from "node:path";
import {readGgufHeader, type GgufHeader} from "../gguf/ggufReader";
import {ggmlTypeInfo} from "../gguf/ggmlTypes";
import {guardModelFile} from "../engine/guard/guardModelFile";
import type {ModelFileFacts} from "../engine/modelFile";
import {AlreadyQuantizedError, ImatrixRequiredError, OutputExistsError, QuantizeError} from "./quantizeErrors";
import {allQuantTypes, findQuantType, type QuantType} from "./quantTypes";

export interface CheckedInput {
    readonly facts: ModelFileFacts;
    readonly header: GgufHeader;
    /** Some tensors are already in a block-quantized type. */
    readonly quantized: boolean;
}

/** The type the user named, refused with a helpful message when llama.cpp cannot make it here. */
export function checkQuantType(name: string): QuantType {
    const type = findQuantType(name);
    if (type == null)
        throw new QuantizeError(
            `"${name}" is not a quantization type llama.cpp knows. Common ones: ` +
            allQuantTypes().filter((t) => t.common).map((t) => t.name).join(", ") + ".");
    if (type.needsImatrix)
        throw new ImatrixRequiredError(type.name);
    return type;
}

/**
 * Reads and checks the input the way loading does (a readable, complete GGUF of a known
 * architecture), then refuses to requantize an already quantized model unless allowed.
 */
export async function checkQuantizeInput(path: string, allowRequantize: boolean, signal?: AbortSignal): Promise<CheckedInput> {
    const facts = await guardModelFile(path, {signal});
    const header = await readGgufHeader(path, signal);
    const quantized = header.tensors.some((tensor) => (ggmlTypeInfo(tensor.type)?.blockSize ?? 1) > 1);
    if (quantized && !allowRequantize)
        throw new AlreadyQuantizedError(path, facts.fileType ?? "a quantized type");
    return {facts, header, quantized};
}

/** The output must be a new file (or an allowed overwrite) in an existing folder, not the input. */
export async function checkOutputPath(inputPath: string, outputPath: string, overwrite: boolean): Promise<void> {
    if (inputPath === outputPath)
        throw new QuantizeError("The output file must differ from the input file.");
    const folder = await stat(dirname(outputPath)).catch(() => undefined);
    if (folder == null || !folder.isDirectory())
        throw new QuantizeError(`The output folder ${dirname(outputPath)} does not exist.`);
    if (!await access(dirname(outputPath), constants.W_OK).then(() => true, () => false))
        throw new QuantizeError(`The output folder ${dirname(outputPath)} cannot be written to (permission denied).`);
    const existing = await stat(outputPath).catch(() => undefined);
    if (existing == null)
        return;
    if (!existing.isFile())
        throw new QuantizeError(`${outputPath} exists and is not a file.`);
    if (!overwrite)
        throw new OutputExistsError(outputPath);
    const input = await stat(inputPath);
    if (existing.ino === input.ino && existing.dev === input.dev)
        throw new QuantizeError("The output file must differ from the input file (they are links to one file).");
}
