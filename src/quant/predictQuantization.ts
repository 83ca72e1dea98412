import {resolve} from "node:path";
import {physicalCoreCount} from "../threads/cpuCores";
import {QuantizeError} from "./quantizeErrors";
import {checkQuantizeInput, checkQuantType} from "./quantizeInput";
import {dryRun} from "./quantizeJob";
import type {QuantizePlan} from "./quantizePlan";
import {QuantizeWorkerProcess} from "./quantizeProcess";

export type QuantizePrediction =
    | ({readonly type: string; readonly ok: true} & QuantizePlan)
    | {readonly type: string; readonly ok: false; readonly message: string};

/**
 * What quantizing `inputPath` to each of `types` would give (size, bits per weight), from
 * llama.cpp's own dry run (~50 ms per type, one child process for all). A type llama.cpp would
 * refuse comes back with `ok: false` and the reason, so a menu can grey it out.
 */
export async function predictQuantizations(
    inputPath: string,
    types: readonly string[],
    options: {allowRequantize?: boolean; signal?: AbortSignal} = {}
): Promise<QuantizePrediction[]> {
    const path = resolve(inputPath);
    const input = await checkQuantizeInput(path, options.allowRequantize === true, options.signal);
    const worker = await QuantizeWorkerProcess.start(options.signal);
    try {
        const predictions: QuantizePrediction[] = [];
        for (const name of types) {
            try {
                const type = checkQuantType(name);
                const job = {
                    inputPath: path, outputPath: "", ftype: type.ftype, threads: Math.min(2, physicalCoreCount()),
                    allowRequantize: options.allowRequantize === true, dryRun: true
                };
                predictions.push({type: type.name, ok: true, ...await dryRun(worker, job, input.header, type, path, options.signal)});
            } catch (err) {
                if (!(err instanceof QuantizeError))
                    throw err;
                predictions.push({type: name, ok: false, message: err.message});
            }
        }
        return predictions;
    } finally {
        await worker.dispose();
    }
}
