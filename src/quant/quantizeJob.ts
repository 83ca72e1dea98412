import {link, rename, rm, stat, statfs} from "node:fs/promises";
import {dirname, resolve} from "node:path";
import {readGgufHeader, type GgufHeader} from "../gguf/ggufReader";
import {physicalCoreCount} from "../threads/cpuCores";
import {partialPathFor, sweepPartialFiles} from "./partialFiles";
import type {QuantizeOptions, QuantizeResult} from "./quantizeOptions";
import {DiskFullError, ImatrixRequiredError, OutputExistsError, QuantizeError} from "./quantizeErrors";
import {checkOutputPath, checkQuantizeInput, checkQuantType} from "./quantizeInput";
import {failureReason, looksLikeWriteFailure, shapeWarnings} from "./quantizeLog";
import {headerBitsPerWeight, planFromDryRun, type QuantizePlan} from "./quantizePlan";
import {QuantizeWorkerProcess, type QuantizeJob} from "./quantizeProcess";
import {QuantizeProgress} from "./quantizeProgress";
import type {QuantType} from "./quantTypes";

/** Seams for tests: a disk that is fuller than the real one. */
export interface QuantizeEnvironment {
    freeDiskBytes(directory: string): Promise<number>;
}

export const realEnvironment: QuantizeEnvironment = {
    async freeDiskBytes(directory) {
        const info = await statfs(directory);
        return Number(info.bavail) * Number(info.bsize);
    }
};

/** Headroom on top of the predicted size: metadata differs slightly, and filesystems round up. */
const DISK_MARGIN_BYTES = 1 << 20;

export async function runQuantizeJob(options: QuantizeOptions, env: QuantizeEnvironment): Promise<QuantizeResult> {
    const startedAt = performance.now();
    const signal = options.signal;
    signal?.throwIfAborted();
    const type = checkQuantType(options.type);
    const inputPath = resolve(options.inputPath);
    const outputPath = resolve(options.outputPath);
    const input = await checkQuantizeInput(inputPath, options.allowRequantize === true, signal);
    await checkOutputPath(inputPath, outputPath, options.overwrite === true);
    // What an earlier, killed quantization left beside the output goes before a new one starts.
    await sweepPartialFiles([dirname(outputPath)]);
    const worker = await QuantizeWorkerProcess.start(signal);
    const temp = partialPathFor(outputPath, worker.pid);
    try {
        const job: QuantizeJob = {
            inputPath, outputPath: temp, ftype: type.ftype, threads: options.threads ?? physicalCoreCount(),
            allowRequantize: options.allowRequantize === true, dryRun: true
        };
        const plan = await dryRun(worker, job, input.header, type, inputPath, signal);
        await checkDiskSpace(env, dirname(outputPath), plan.predictedBytes);
        await writeQuantized(worker, {...job, dryRun: false}, input.header, plan.predictedBytes, env, options, signal);
        const output = await verifyOutput(temp, input.header);
        await moveIntoPlace(temp, outputPath, options.overwrite === true);
        options.onProgress?.(1);
        return {
            outputPath,
            type: type.name,
            inputBytes: input.header.fileSize,
            outputBytes: (await stat(outputPath)).size,
            bitsPerWeight: headerBitsPerWeight(output),
            seconds: (performance.now() - startedAt) / 1000
        };
    } finally {
        await worker.dispose();
        await rm(temp, {force: true});
    }
}

/** Plans the quantization with llama.cpp's own dry run: ~50 ms, no output written. */
export async function dryRun(
    worker: QuantizeWorkerProcess, job: QuantizeJob, header: GgufHeader, type: QuantType, inputPath: string, signal?: AbortSignal
): Promise<QuantizePlan> {
    const lines: string[] = [];
    const status = await worker.run({...job, dryRun: true}, (l) => lines.push(l.line), signal);
    if (status !== 0)
        throw refusal(lines, type, inputPath);
    const plan = planFromDryRun(header, lines);
    if (plan.needsImatrix)
        throw new ImatrixRequiredError(type.name);
    return plan;
}

async function writeQuantized(
    worker: QuantizeWorkerProcess, job: QuantizeJob, header: GgufHeader, predictedBytes: number, env: QuantizeEnvironment,
    options: QuantizeOptions, signal?: AbortSignal
): Promise<void> {
    const progress = new QuantizeProgress(header.tensors);
    const lines: string[] = [];
    const status = await worker.run(job, (l) => {
        lines.push(l.line);
        const fraction = progress.onLine(l.line);
        if (fraction != null)
            options.onProgress?.(fraction);
    }, signal);
    if (status === 0)
        return;
    await rm(job.outputPath, {force: true});
    const reason = failureReason(lines) ?? "llama.cpp gave no reason";
    if (!looksLikeWriteFailure(reason))
        throw new QuantizeError(`Quantizing ${job.inputPath} failed: ${reason}`);
    // llama.cpp only says its stream failed; with the partial file gone, a disk that still lacks
    // room for the whole output was the cause.
    const free = await env.freeDiskBytes(dirname(job.outputPath));
    if (free < predictedBytes + DISK_MARGIN_BYTES)
        throw new DiskFullError(dirname(job.outputPath), undefined, free);
    throw new QuantizeError(`Could not write ${job.outputPath}: llama.cpp reports "${reason}".`);
}

async function checkDiskSpace(env: QuantizeEnvironment, directory: string, predictedBytes: number): Promise<void> {
    const free = await env.freeDiskBytes(directory);
    if (free < predictedBytes + DISK_MARGIN_BYTES)
        throw new DiskFullError(directory, predictedBytes, free);
}

/** The file llama.cpp wrote must read back as a GGUF with every tensor of the input. */
async function verifyOutput(path: string, input: GgufHeader): Promise<GgufHeader> {
    let output: GgufHeader;
    try {
        output = await readGgufHeader(path);
    } catch (err) {
        throw new QuantizeError(`llama.cpp's output could not be read back: ${(err as Error).message}`);
    }
    if (output.tensors.length !== input.tensors.length)
        throw new QuantizeError(`llama.cpp's output has ${output.tensors.length} tensors, the input ${input.tensors.length}`);
    return output;
}

/**
 * Gives the finished file its final name. Without overwrite a hard link claims the name
 * atomically (failing if it appeared meanwhile); filesystems without links fall back to rename.
 */
async function moveIntoPlace(temp: string, outputPath: string, overwrite: boolean): Promise<void> {
    if (overwrite) {
        await rename(temp, outputPath);
        return;
    }
    try {
        await link(temp, outputPath);
        await rm(temp, {force: true});
    } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "EEXIST")
            throw new OutputExistsError(outputPath);
        if (await stat(outputPath).then(() => true, () => false))
            throw new OutputExistsError(outputPath);
        await rename(temp, outputPath);
    }
}

/** llama.cpp refused during planning: the type does not suit this model, or the file is odd. */
function refusal(lines: readonly string[], type: QuantType, inputPath: string): Error {
    const reason = failureReason(lines) ?? "llama.cpp gave no reason";
    if (/requires an imatrix/.test(reason))
        return new ImatrixRequiredError(type.name);
    const warnings = shapeWarnings(lines);
    const detail = warnings.length > 0 ? ` (${warnings[warnings.length - 1]!.replace(/^warning:\s*/, "").replace(/\s+/g, " ")})` : "";
    return new QuantizeError(`Cannot quantize ${inputPath} to ${type.name}: llama.cpp says "${reason}"${detail}.`);
}
