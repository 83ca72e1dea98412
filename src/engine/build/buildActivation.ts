import {isAbortError} from "../../util/abort";
import {compareWithPrebuilt, type BuildComparison, type CompareOptions} from "./buildComparison";
import {EngineBuildFailedError} from "./buildErrors";
import type {EngineBuildResult} from "./engineBuild";
import type {EngineBuildRecord, LocalEngineBuilds} from "./localEngineBuilds";

export interface BuildOutcome {
    /** Whether the new build is now the engine QuantPilot loads. */
    readonly active: boolean;
    readonly record?: EngineBuildRecord;
    /** One sentence for the user. */
    readonly summary: string;
}

/**
 * Settles a finished build: with a comparison, keeps whichever engine was faster; without one
 * (no model to measure on), activates the new build, which was compiled for exactly this CPU.
 * The engine that loses is removed. Folders still in use (Windows keeps loaded DLLs locked) are
 * left for the next build to clean up.
 */
export async function settleBuild(
    builds: LocalEngineBuilds,
    result: EngineBuildResult,
    comparison: BuildComparison | undefined
): Promise<BuildOutcome> {
    if (comparison != null && !comparison.keepLocal) {
        await discardBuild(builds, result);
        return {active: false, summary: comparison.summary};
    }
    const previous = builds.activeRecord();
    const record: EngineBuildRecord = {
        slot: result.slot,
        gpu: result.gpu,
        folder: result.folder,
        builtAt: new Date().toISOString(),
        ...(comparison != null ? {comparison: comparison.summary} : {})
    };
    await builds.setActive(record);
    if (previous != null && previous.slot !== result.slot)
        await removeQuietly(builds, builds.foldersOfSlot(previous.slot));
    const summary = comparison?.summary ??
        "The engine built for this machine is ready and QuantPilot uses it from now on (not compared with the prebuilt one: no model was given).";
    return {active: true, record, summary};
}

/**
 * Measures the new build against the prebuilt engine. A build that cannot run the model is worse
 * than none: then it is removed, the engine in use stays, and the error says so (an abort passes
 * through as it is).
 */
export async function compareOrDiscard(
    builds: LocalEngineBuilds,
    result: EngineBuildResult,
    options: Omit<CompareOptions, "slot" | "gpu">
): Promise<BuildComparison> {
    try {
        return await compareWithPrebuilt({...options, slot: result.slot, gpu: result.gpu});
    } catch (err) {
        await discardBuild(builds, result);
        if (isAbortError(err) || options.signal?.aborted === true)
            throw err;
        throw new EngineBuildFailedError(`the new engine failed its test run (${err instanceof Error ? err.message : String(err)})`, result.logFile, []);
    }
}

/** Removes a new build that will not be used (slower, or failed its test run). */
export async function discardBuild(builds: LocalEngineBuilds, result: EngineBuildResult): Promise<void> {
    await removeQuietly(builds, builds.foldersOfSlot(result.slot));
}

async function removeQuietly(builds: LocalEngineBuilds, folders: readonly string[]): Promise<void> {
    for (const folder of folders)
        await builds.remove(folder).catch(() => undefined);
}
