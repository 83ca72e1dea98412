import {readdir} from "node:fs/promises";
import {dirname, join, resolve} from "node:path";
import {inspectHeader, readModelHeader, type ModelFileFacts} from "../modelFile";
import {vocabularyFingerprint, vocabularyMismatch, type VocabularyFingerprint} from "./vocabularyFingerprint";

/** A draft must be much smaller than its target to pay for itself. */
const MAX_DRAFT_PARAMETER_SHARE = 0.5;

export interface DraftCandidate {
    readonly path: string;
    readonly parameters: number;
    readonly sizeBytes: number;
}

/**
 * The draft model picked for `target` from the GGUF files beside it: the one with the fewest
 * parameters among those with the target's vocabulary and at most half its parameters.
 * Unreadable files are skipped; undefined when none qualifies.
 */
export async function findDraftModel(target: ModelFileFacts, signal?: AbortSignal): Promise<DraftCandidate | undefined> {
    const targetVocabulary = vocabularyFingerprint(await readModelHeader(target.path, signal));
    const dir = dirname(target.path);
    const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.toLowerCase().endsWith(".gguf")).sort();
    let best: DraftCandidate | undefined;
    for (const name of names) {
        const path = join(dir, name);
        if (resolve(path) === resolve(target.path))
            continue;
        const candidate = await compatibleDraft(path, target, targetVocabulary, signal);
        if (candidate != null && (best == null || candidate.parameters < best.parameters))
            best = candidate;
    }
    return best;
}

async function compatibleDraft(path: string, target: ModelFileFacts, vocabulary: VocabularyFingerprint, signal?: AbortSignal): Promise<DraftCandidate | undefined> {
    try {
        const header = await readModelHeader(path, signal);
        const facts = inspectHeader(path, header);
        if (facts.parameters > target.parameters * MAX_DRAFT_PARAMETER_SHARE)
            return undefined;
        if (vocabularyMismatch(vocabulary, vocabularyFingerprint(header)) != null)
            return undefined;
        return {path, parameters: facts.parameters, sizeBytes: facts.sizeBytes};
    } catch {
        signal?.throwIfAborted();
        return undefined; // not a usable GGUF: not a candidate
    }
}

/** Why the draft at `draftPath` cannot serve `targetPath`, or undefined when it can. */
export async function draftVocabularyProblem(targetPath: string, draftPath: string, signal?: AbortSignal): Promise<string | undefined> {
    const target = vocabularyFingerprint(await readModelHeader(targetPath, signal));
    const draft = vocabularyFingerprint(await readModelHeader(draftPath, signal));
    return vocabularyMismatch(target, draft);
}
