import type {Llama} from "node-llama-cpp";
import {AB_CORPUS, CORPUS_SEPARATOR} from "../corpus/abCorpus";
import {AbInputError} from "./abErrors";
import type {TextSource} from "../corpus/textSources";
import {checkSameVocabulary} from "../corpus/vocabularyCheck";
import {readGgufHeader, type GgufHeader} from "../../gguf/ggufReader";
import {SeededRandom} from "../../gguf/seededRandom";
import {guardModelFile} from "../../engine/guard/guardModelFile";
import type {ModelFileFacts} from "../../engine/modelFile";
import type {TokenWindow} from "../corpus/windows";
import {baseShapeOf, checkAdapterFile} from "../../engine/lora/adapterFile";
import {AdapterRejectedError} from "../../engine/lora/adapterRejectedError";
import {scaleProblem, type ActiveAdapter, type AdapterRequest} from "../../engine/lora/adapterRequest";

/** A model file as the A/B run needs it: what llama.cpp will see, and its raw header. */
export interface AbModelFile {
    readonly facts: ModelFileFacts;
    readonly header: GgufHeader;
    /** LoRA adapters applied on top of the file: a "base + adapter" candidate. Absent: the file alone. */
    readonly adapters?: readonly ActiveAdapter[];
}

/** A candidate that is a base model with LoRA adapters applied at run time, compared like a quantization level. */
export interface AdapterCandidate {
    readonly path: string;
    readonly adapters: readonly AdapterRequest[];
}

/** What tells two candidates apart: the file, and the adapters on it. */
export function abModelKey(file: AbModelFile): string {
    return [file.facts.path, ...(file.adapters ?? []).map((a) => `${a.path}\u0000${a.scale}`)].join("\u0001");
}

/** "base.gguf + adapter.gguf ×0.5": how reports name a candidate. */
export function abModelName(file: AbModelFile): string {
    return [file.facts.fileName, ...(file.adapters ?? []).map((a) => `${a.fileName} ×${a.scale}`)].join(" + ");
}

/**
 * Reads and checks every file before anything is loaded: each must be a model llama.cpp
 * accepts, candidates must differ from the reference file and share its vocabulary.
 */
export async function inspectAbModels(
    referencePath: string, candidatePaths: readonly string[], signal?: AbortSignal, adapterCandidates: readonly AdapterCandidate[] = []
): Promise<{reference: AbModelFile; candidates: AbModelFile[]}> {
    if (candidatePaths.length === 0 && adapterCandidates.length === 0)
        throw new AbInputError("Pick at least one candidate to compare with the reference.");
    const read = async (path: string): Promise<AbModelFile> => ({
        facts: await guardModelFile(path, {signal}),
        header: await readGgufHeader(path, signal)
    });
    const reference = await read(referencePath);
    const candidates: AbModelFile[] = [];
    for (const path of candidatePaths) {
        const candidate = await read(path);
        checkSameVocabulary(reference.facts.fileName, reference.header, candidate.facts.fileName, candidate.header);
        candidates.push(candidate);
    }
    for (const spec of adapterCandidates) {
        const base = await read(spec.path);
        checkSameVocabulary(reference.facts.fileName, reference.header, base.facts.fileName, base.header);
        candidates.push({...base, adapters: await checkedAdapters(spec.adapters, base.header, signal)});
    }
    return {reference, candidates};
}

async function checkedAdapters(requests: readonly AdapterRequest[], header: GgufHeader, signal: AbortSignal | undefined): Promise<ActiveAdapter[]> {
    if (requests.length === 0)
        throw new AbInputError("A base + adapter candidate needs at least one adapter.");
    const shape = baseShapeOf(header);
    const adapters: ActiveAdapter[] = [];
    for (const request of requests) {
        const problem = scaleProblem(request.scale);
        if (problem != null)
            throw new AdapterRejectedError(request.path, problem);
        adapters.push({...await checkAdapterFile(request.path, shape, signal), scale: request.scale});
    }
    return adapters;
}

/**
 * The texts of a run: the user's files when there are any, and only them, so that the tokens
 * scored are the tokens llama-perplexity scores on the same file; otherwise the built-in corpus
 * (unless `builtInCorpus` is false, which leaves nothing to score).
 */
export function runTexts(userTexts: readonly TextSource[], builtInCorpus = true): {texts: TextSource[]; names: string[]} {
    if (userTexts.length > 0)
        return {texts: [...userTexts], names: userTexts.map((t) => t.name)};
    if (!builtInCorpus)
        return {texts: [], names: []};
    return {texts: AB_CORPUS.map((d) => ({name: d.name, text: d.text, kind: d.kind})), names: ["built-in corpus"]};
}

/**
 * The texts as one token stream, as llama-perplexity reads one file holding all of them joined
 * by blank lines: like its `-f`, one trailing newline of the whole is dropped. Tokenized with a
 * vocabulary-only load of the reference (no weights read).
 */
export async function tokenizeTexts(llama: Llama, modelPath: string, texts: readonly TextSource[]): Promise<{tokens: number[]; bos: number | undefined}> {
    const vocabulary = await llama.loadModel({modelPath, vocabOnly: true});
    try {
        const tokens = vocabulary.tokenize(joinedText(texts), false);
        const bos = vocabulary.tokens.shouldPrependBosToken ? vocabulary.tokens.bos ?? undefined : undefined;
        return {tokens, bos};
    } finally {
        await vocabulary.dispose();
    }
}

/** Windows in a seeded random order: a budget that takes the first few still mixes code and prose. */
export function shuffledWindows(windows: readonly TokenWindow[], seed: number): TokenWindow[] {
    return new SeededRandom(seed, 0x3d).shuffle([...windows]);
}

/** What llama-perplexity would read from one file holding the texts: joined by blank lines, one final newline dropped. */
export function joinedText(texts: readonly TextSource[]): string {
    const text = texts.map((t) => t.text).join(CORPUS_SEPARATOR);
    return text.endsWith("\n") ? text.slice(0, -1) : text;
}
