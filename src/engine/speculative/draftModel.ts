import {basename, resolve} from "node:path";
import type {Llama, LlamaContext, LlamaContextSequence, LlamaModel} from "node-llama-cpp";
import {isAbortError} from "../../util/abort";
import {isUserFacingEngineError} from "../errors";
import type {GuardedModelFile, GuardOptions} from "../guard/guardModelFile";
import {estimateMemory} from "../memoryFit";
import {formatBytes} from "../../util/format";
import {DraftModelError} from "./draftModelError";
import {draftVocabularyProblem, findDraftModel} from "./draftModelFinder";

/** A smaller model loaded beside the target, with its own context, to guess tokens. */
export interface DraftModel {
    readonly path: string;
    readonly fileName: string;
    /** RAM its weights and context were estimated to need. */
    readonly ramBytes: number;
    readonly model: LlamaModel;
    readonly context: LlamaContext;
    readonly sequence: LlamaContextSequence;
}

export interface DraftLoadRequest {
    readonly llama: Llama;
    readonly target: GuardedModelFile;
    /** Explicit draft file; empty or absent: picked from the files beside the target. */
    readonly draftPath?: string;
    readonly contextSize: number;
    readonly threads: number;
    /** Free RAM before the target loaded. */
    readonly freeRamBytes: number;
    /** The same gate the target passed (every native load goes through it). */
    readonly guard: (path: string, options: GuardOptions) => Promise<GuardedModelFile>;
    readonly guardOptions: GuardOptions;
    readonly signal?: AbortSignal;
}

/**
 * Loads the draft model for a target: the explicit one or the one found beside the target.
 * Undefined when none was asked for and none was found. Throws `DraftModelError` (one sentence)
 * for a draft with another vocabulary, one that does not fit in RAM beside the target, or one
 * llama.cpp refuses; the target is not touched either way.
 */
export async function loadDraftModel(request: DraftLoadRequest): Promise<DraftModel | undefined> {
    const path = await draftPathFor(request);
    if (path == null)
        return undefined;
    try {
        const problem = await draftVocabularyProblem(request.target.path, path, request.signal);
        if (problem != null)
            throw new DraftModelError(path, problem);
        const facts = await request.guard(path, request.guardOptions);
        const ramBytes = await checkDraftFits(request, path);
        return await loadWeightsAndContext(request, facts, ramBytes);
    } catch (err) {
        throw asDraftError(path, err, request.signal);
    }
}

async function draftPathFor(request: DraftLoadRequest): Promise<string | undefined> {
    const explicit = request.draftPath?.trim();
    if (explicit != null && explicit !== "") {
        if (resolve(explicit) === resolve(request.target.path))
            throw new DraftModelError(explicit, "it is the model itself");
        return explicit;
    }
    return (await findDraftModel(request.target, request.signal))?.path;
}

/** On the CPU the draft's weights and context must fit in what the target leaves free. */
async function checkDraftFits(request: DraftLoadRequest, path: string): Promise<number> {
    const {llama, contextSize, freeRamBytes} = request;
    const draft = await estimateMemory(llama, path, contextSize, 0, freeRamBytes);
    if (llama.gpu !== false)
        return draft.ramBytes;
    const target = await estimateMemory(llama, request.target.path, contextSize, 0, freeRamBytes);
    const left = freeRamBytes - target.ramBytes;
    if (draft.ramBytes > left)
        throw new DraftModelError(path,
            `it needs about ${formatBytes(draft.ramBytes)} of RAM beside the model's ${formatBytes(target.ramBytes)}, ` +
            `but only ${formatBytes(Math.max(0, left))} would be left`);
    return draft.ramBytes;
}

async function loadWeightsAndContext(request: DraftLoadRequest, facts: GuardedModelFile, ramBytes: number): Promise<DraftModel> {
    const {llama} = request;
    const model = await llama.loadModel({
        modelPath: facts.path,
        gpuLayers: llama.gpu === false ? 0 : "auto",
        ...(request.signal != null ? {loadSignal: request.signal} : {})
    });
    try {
        const context = await model.createContext({contextSize: request.contextSize, threads: request.threads, sequences: 1});
        return {path: facts.path, fileName: basename(facts.path), ramBytes, model, context, sequence: context.getSequence()};
    } catch (err) {
        await model.dispose();
        throw err;
    }
}

function asDraftError(path: string, err: unknown, signal: AbortSignal | undefined): unknown {
    if (signal?.aborted === true || isAbortError(err) || err instanceof DraftModelError)
        return err;
    const reason = isUserFacingEngineError(err) ? err.message : err instanceof Error ? err.message.split("\n")[0] : String(err);
    return new DraftModelError(path, reason || "llama.cpp refused it");
}

export async function disposeDraftModel(draft: DraftModel): Promise<void> {
    if (!draft.context.disposed)
        await draft.context.dispose();
    await draft.model.dispose();
}
