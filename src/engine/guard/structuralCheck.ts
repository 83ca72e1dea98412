import type {GgufHeader} from "../../gguf/ggufHeader";
import {isTokenizerKey} from "../../gguf/ggufLimits";
import {arrayLength, GgufValueType} from "../../gguf/ggufValue";
import {formatCount} from "../../util/format";
import {ModelFileError, UnsupportedModelError} from "../errors";
import {checkReadableFile, inspectHeader, readModelHeader, type ModelFileFacts} from "../modelFile";
import {knownArchitectures} from "../nodeLlamaCpp";
import {chatTemplateProblem} from "./chatTemplateCheck";
import {hyperparameterProblem} from "./hyperparameterCheck";
import {ModelRejectedError} from "./modelRejectedError";
import {tokenizerProblem} from "./tokenizerCheck";

/**
 * Array items a header may hold in all. The largest vocabularies hold under a million (tokens,
 * scores, types and merges together); node-llama-cpp reads every item on the host's thread, at
 * a few million a second, so a header with tens of millions stalls the editor before llama.cpp
 * even sees it.
 */
export const MAX_HEADER_ARRAY_ITEMS = 4 << 20;

export interface StructureCheck {
    readonly header: GgufHeader;
    readonly facts: ModelFileFacts;
    /** Why the chat template must not be rendered, when it must not. */
    readonly templateProblem?: string;
}

/**
 * Everything the guard checks in JS before llama.cpp sees the file: that it is a readable,
 * complete GGUF of a known architecture (inspectHeader), that its header is of a sane size,
 * its hyper-parameters fit its tensors, its tokenizer is one llama.cpp builds without aborting,
 * and whether its chat template may be rendered. Throws ModelRejectedError with the reason.
 */
export async function checkStructure(path: string, signal?: AbortSignal): Promise<StructureCheck> {
    try {
        await checkReadableFile(path);
        const header = await readModelHeader(path, signal);
        const facts = inspectHeader(path, header, await knownArchitectures());
        const problem = headerSizeProblem(header) ?? hyperparameterProblem(header, facts.architecture) ?? await tokenizerProblem(header);
        if (problem != null)
            throw new ModelRejectedError(path, problem);
        const templateProblem = chatTemplateProblem(header.metadata.get("tokenizer.chat_template"));
        return templateProblem != null ? {header, facts, templateProblem} : {header, facts};
    } catch (err) {
        if (err instanceof ModelFileError || err instanceof UnsupportedModelError)
            throw new ModelRejectedError(path, err.reason, {cause: err});
        throw err;
    }
}

function headerSizeProblem(header: GgufHeader): string | undefined {
    let items = 0;
    for (const [key, entry] of header.metadata) {
        items += arrayLength(entry);
        if (isTokenizerKey(key) && entry.type === GgufValueType.Array && entry.omittedItems != null)
            return `its ${key} holds ${formatCount(entry.omittedItems)} items, far more than any vocabulary (the largest hold under 300,000)`;
    }
    return items > MAX_HEADER_ARRAY_ITEMS
        ? `its header holds ${formatCount(items)} array items, far more than any model needs (the largest vocabularies hold under a million), and reading them would stall the editor`
        : undefined;
}
