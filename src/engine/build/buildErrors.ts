import type {MissingTool} from "./buildTools";

/** cmake, a compiler or another build tool is missing; nothing was started or changed. */
export class BuildToolsMissingError extends Error {
    override readonly name = "BuildToolsMissingError";
    constructor(message: string, readonly missing: readonly MissingTool[]) {
        super(message);
    }
}

/** The build started and failed; its partial output was removed and the working engine kept. */
export class EngineBuildFailedError extends Error {
    override readonly name = "EngineBuildFailedError";
    constructor(reason: string, readonly logFile: string, readonly lastLines: readonly string[]) {
        super(`Building the engine failed: ${reason}. The engine in use is unchanged. The full build log is in ${logFile}.`);
    }
}
