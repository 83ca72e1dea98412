import type {Llama} from "node-llama-cpp";
import type {Logger} from "../../util/logger";
import {isAbortError} from "../../util/abort";
import type {GuardedModelFile, GuardOptions} from "../guard/guardModelFile";
import {loadDraftModel, type DraftModel} from "./draftModel";
import {DraftModelError} from "./draftModelError";
import {switchablePredictor} from "./predictors";
import {predictorFor, wantsDraftModel, type SpeculationDescription, type SpeculationOptions, type SpeculativeMode} from "./speculation";
import type {SwitchablePredictor} from "./switchablePredictor";

/** Speculative decoding as loaded: the mode, the switch the sequence guesses through, and the draft. */
export interface LoadedSpeculation {
    readonly mode: SpeculativeMode;
    readonly predictor: SwitchablePredictor;
    readonly draft?: DraftModel;
}

export interface SpeculationLoad {
    readonly llama: Llama;
    readonly target: GuardedModelFile;
    readonly options: SpeculationOptions;
    readonly contextSize: number;
    readonly threads: number;
    readonly freeRamBytes: number;
    readonly guard: (path: string, options: GuardOptions) => Promise<GuardedModelFile>;
    readonly guardOptions: GuardOptions;
    readonly log: Logger;
    readonly signal?: AbortSignal;
}

/**
 * Sets up speculative decoding for a target being loaded. A draft model that cannot be used is
 * logged with its one-sentence reason and left out: the target loads and serves without it.
 */
export async function loadSpeculation(load: SpeculationLoad): Promise<{speculation: LoadedSpeculation; description: SpeculationDescription}> {
    const {mode} = load.options;
    let draft: DraftModel | undefined;
    let notice: string | undefined;
    if (wantsDraftModel(mode)) {
        try {
            draft = await loadDraftModel({
                llama: load.llama, target: load.target, contextSize: load.contextSize, threads: load.threads,
                freeRamBytes: load.freeRamBytes, guard: load.guard, guardOptions: load.guardOptions,
                ...(load.options.draftModelPath != null ? {draftPath: load.options.draftModelPath} : {}),
                ...(load.signal != null ? {signal: load.signal} : {})
            });
        } catch (err) {
            if (!(err instanceof DraftModelError) || isAbortError(err))
                throw err;
            notice = err.message;
            load.log.warn(err.message);
        }
        if (draft == null && notice == null && mode === "draftModel")
            notice = `No draft model was found beside ${load.target.fileName} (a smaller GGUF with the same vocabulary); it runs without one.`;
    }
    const predictor = await switchablePredictor(draft, load.options);
    return {
        speculation: {mode, predictor, ...(draft != null ? {draft} : {})},
        description: {
            mode,
            predictor: predictorFor(mode, draft != null),
            ...(draft != null ? {draft: {path: draft.path, fileName: draft.fileName, ramBytes: draft.ramBytes}} : {}),
            ...(notice != null ? {notice} : {})
        }
    };
}
