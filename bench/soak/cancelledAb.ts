import type {TextSource} from "../../src/ab/corpus/textSources";
import {proseSourdough} from "../../src/ab/corpus/texts/proseSourdough";
import {pythonInventory} from "../../src/ab/corpus/texts/pythonInventory";
import {runAb} from "../../src/ab/runner/abRun";
import type {LlamaRuntime} from "../../src/engine/llamaRuntime";
import {isAbortError} from "../../src/util/abort";

const TEXTS: TextSource[] = [
    {name: pythonInventory.name, text: pythonInventory.text, kind: "code"},
    {name: proseSourdough.name, text: proseSourdough.text, kind: "prose"}
];

/** How far the run gets before the user cancels it: past the reference, into the candidate. */
const CANCEL_AT_FRACTION = 0.6;

/**
 * One A/B run (quality, then speed) that the user cancels midway, as the panel's Cancel button
 * does: through the run's AbortSignal once its progress passes CANCEL_AT_FRACTION. Resolves with
 * "cancelled", or "finished" when the run ended before the cancel reached it (the soak counts
 * that as a failure of the cancel path); any other error is thrown.
 */
export async function cancelledAbRun(runtime: LlamaRuntime, referencePath: string, candidatePath: string): Promise<"cancelled" | "finished"> {
    const controller = new AbortController();
    try {
        await runAb({
            referencePath, candidatePaths: [candidatePath], runtime, gpu: "cpu", threads: 1, texts: TEXTS, builtInCorpus: false,
            window: 256, metrics: ["quality", "speed"], completionContextSize: 128, cacheDir: null, signal: controller.signal,
            onProgress: (progress) => {
                if (progress.fraction >= CANCEL_AT_FRACTION)
                    controller.abort();
            }
        });
        return "finished";
    } catch (err) {
        if (controller.signal.aborted && isAbortError(err))
            return "cancelled";
        throw err;
    }
}
