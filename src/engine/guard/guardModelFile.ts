import {basename, join} from "node:path";
import {bundledLlamaCppRelease} from "../../llamaSource/nodeLlamaCppPackage";
import type {Logger} from "../../util/logger";
import {userCacheDir} from "../../util/userCacheDir";
import {ModelFileError} from "../errors";
import type {EngineBuildSetting, GpuSetting} from "../engineSettings";
import {checkReadableFile, type ModelFileFacts} from "../modelFile";
import {fileIdentity, hashHeader, type FileIdentity} from "./fileIdentity";
import {ModelRejectedError} from "./modelRejectedError";
import {ProbeProcess, ProbeUnavailableError, probeLimits, type ProbeLimits, type ProbeOutcome} from "./probeProcess";
import type {ProbeBackend, ProbeStage} from "./probeProtocol";
import {prestartProbe, takeSpareProbe} from "./probeSpare";
import {checkStructure, type StructureCheck} from "./structuralCheck";
import {VerdictCache, type GuardVerdict} from "./verdictCache";

/** Bumped when the guard's rules change, so verdicts of older rules are not reused. */
const GUARD_RULES_VERSION = 2;

export interface GuardOptions {
    /** Folder of the verdict cache. Default: the user's QuantPilot cache folder, `model-guard`. */
    readonly storageDir?: string;
    /** The backend the host loads with; the probe uses the same. Default: "auto". */
    readonly gpu?: GpuSetting;
    /** Default: "auto". */
    readonly engineBuild?: EngineBuildSetting;
    /** Probe files not seen before in a child process. Default: true. False: header checks only (listing files). */
    readonly probe?: boolean;
    /** What the probe may use. Default: probeLimits(the file's size). */
    readonly probeLimits?: ProbeLimits;
    /** CPU threads of the probe's context. Default: 1. */
    readonly threads?: number;
    readonly signal?: AbortSignal;
    /** Where a probe that could not run is reported. Default: nowhere. */
    readonly log?: Logger;
    /**
     * Told, with the header's facts, when the probe has gone through a step of the load: "weights"
     * (the weights loaded) and then "context" (a context was made on them). A caller may do that
     * same step itself from then on, while the probe goes on to decode, tokenize and render the
     * template; it must not run anything further (decode, tokenize, chat template) before
     * guardModelFile resolves, must use the facts it resolves with, and must drop what it loaded
     * if it rejects. Not called when the verdict comes without a probe (remembered, header only).
     */
    readonly onProven?: (step: ProvenStep, facts: GuardedModelFile) => void;
}

/** Steps of a load the probe has shown a file survives, in order. */
export type ProvenStep = "weights" | "context";

/** The probe stage whose start means a step of the load went through. */
const PROVEN_BY_STAGE: Partial<Record<ProbeStage, ProvenStep>> = {context: "weights", decode: "context"};

/** A model file the guard lets llama.cpp load in this process. */
export interface GuardedModelFile extends ModelFileFacts {
    /** How the verdict was reached: remembered, by a probe, or from the header alone (no probe ran). */
    readonly verdictSource: "cache" | "probe" | "header";
}

const caches = new Map<string, VerdictCache>();

/**
 * The one gate in front of every native load. A file seen before (same real path, size,
 * modification time, header bytes and engine) is answered from the verdict cache. Otherwise the
 * header is checked in JS (checkStructure) while a probe child process starts, then the probe
 * loads the file as the host will. Returns the file's facts, or throws ModelRejectedError with
 * one sentence naming the cause (llama.cpp's own where it gave one).
 */
export async function guardModelFile(path: string, options: GuardOptions = {}): Promise<GuardedModelFile> {
    const signal = options.signal;
    const identity = await checkedIdentity(path);
    const engine = engineKey(options);
    const cache = cacheIn(options.storageDir ?? defaultGuardStorageDir());
    const known = await cache.find(identity, engine, signal);
    if (known != null)
        return guarded(path, known, "cache");
    const probe = options.probe === false ? undefined : startProbe(options, identity.size);
    try {
        const structure = await checkStructure(path, signal);
        if (probe == null)
            return guarded(path, acceptance(structure, undefined), "header");
        const outcome = await runProbe(probe, path, identity, structure, options);
        if (outcome == null)
            return guarded(path, acceptance(structure, undefined), "header");
        const verdict = outcome.ok ? acceptance(structure, outcome.templateProblem) : {accepted: false, reason: outcome.reason};
        if (outcome.timedOut === true)
            return guarded(path, verdict, "probe");
        const headerBytes = structure.header.dataOffset;
        await cache.store({
            ...identity, ...verdict, headerBytes, headerHash: await hashHeader(identity.realPath, headerBytes, signal),
            engine, checkedAt: new Date().toISOString()
        });
        return guarded(path, verdict, "probe");
    } finally {
        probe?.dispose();
    }
}

/**
 * Whether a file passes the guard's header checks (or its remembered verdict), without
 * probing: for lists of files nobody asked to load, such as the quantization variants.
 */
export function passesModelGuard(path: string, signal?: AbortSignal): Promise<boolean> {
    return guardModelFile(path, {probe: false, ...(signal != null ? {signal} : {})}).then(() => true, () => false);
}

/** Where verdicts are kept when the caller names no folder. */
export function defaultGuardStorageDir(): string {
    return join(userCacheDir(), "model-guard");
}

/** The file's identity, once it is known to be a readable regular file. */
async function checkedIdentity(path: string): Promise<FileIdentity> {
    try {
        await checkReadableFile(path);
        return await fileIdentity(path);
    } catch (err) {
        throw new ModelRejectedError(path, err instanceof ModelFileError ? err.reason : "the file cannot be read", {cause: err});
    }
}

function cacheIn(storageDir: string): VerdictCache {
    let cache = caches.get(storageDir);
    if (cache == null) {
        cache = new VerdictCache(storageDir);
        caches.set(storageDir, cache);
    }
    return cache;
}

/** A verdict holds for one llama.cpp release, backend and set of guard rules. */
function engineKey(options: GuardOptions): string {
    const release = bundledLlamaCppRelease();
    return `node-llama-cpp ${release.nodeLlamaCppVersion} (llama.cpp ${release.tag}), gpu ${options.gpu ?? "auto"}, ` +
        `build ${options.engineBuild ?? "auto"}, rules ${GUARD_RULES_VERSION}`;
}

/**
 * Starts a probe child ahead of the next guardModelFile with the same backend (the user is about to
 * pick a file), so that a file not seen before waits only for the probe's own load.
 */
export function prepareModelProbe(options: Pick<GuardOptions, "gpu" | "engineBuild" | "log">): void {
    try {
        prestartProbe(probeBackend(options));
    } catch (err) {
        options.log?.warn(`Model check: ${(err as Error).message}; the probe starts when a file is loaded.`);
    }
}

function probeBackend(options: Pick<GuardOptions, "gpu" | "engineBuild">): ProbeBackend {
    return {gpu: options.gpu ?? "auto", engineBuild: options.engineBuild ?? "auto"};
}

function startProbe(options: GuardOptions, fileSize: number): ProbeProcess | undefined {
    const backend = probeBackend(options);
    try {
        const limits = options.probeLimits ?? probeLimits(fileSize);
        return takeSpareProbe(backend, limits) ?? ProbeProcess.start(backend, limits);
    } catch (err) {
        options.log?.warn(`Model check: ${(err as Error).message}; checking the header only.`);
        return undefined;
    }
}

/** The probe's outcome, or undefined when it could not run (then the header checks decide, and nothing is cached). */
async function runProbe(probe: ProbeProcess, path: string, identity: FileIdentity, structure: StructureCheck, options: GuardOptions): Promise<ProbeOutcome | undefined> {
    try {
        const onProven = options.onProven;
        const onStage = onProven == null ? undefined : (stage: ProbeStage) => {
            const step = PROVEN_BY_STAGE[stage];
            if (step != null)
                onProven(step, guarded(path, acceptance(structure, undefined), "probe"));
        };
        return await probe.run({path: identity.realPath, threads: options.threads ?? 1, renderTemplate: structure.templateProblem == null}, options.signal, onStage);
    } catch (err) {
        if (!(err instanceof ProbeUnavailableError))
            throw err;
        options.log?.warn(`Model check: ${err.message}; checking the header only.`);
        return undefined;
    }
}

function acceptance(structure: StructureCheck, probeTemplateProblem: string | undefined): GuardVerdict {
    const facts = withoutLocation(structure.facts);
    const problem = structure.templateProblem ?? probeTemplateProblem;
    if (problem == null)
        return {accepted: true, facts};
    return {
        accepted: true,
        // An unusable template is neither kept nor offered for tools.
        facts: {...facts, chatTemplate: undefined, templateSupportsTools: false},
        chatTemplateNotice: `The model's chat template is not used (${problem}); chats use a plain format instead.`
    };
}

/** The facts that belong to the file's contents, not to where it is. */
function withoutLocation(facts: ModelFileFacts): Omit<ModelFileFacts, "path" | "fileName"> {
    return Object.fromEntries(Object.entries(facts).filter(([key]) => key !== "path" && key !== "fileName")) as Omit<ModelFileFacts, "path" | "fileName">;
}

function guarded(path: string, verdict: GuardVerdict, verdictSource: GuardedModelFile["verdictSource"]): GuardedModelFile {
    if (!verdict.accepted || verdict.facts == null)
        throw new ModelRejectedError(path, verdict.reason ?? "an earlier check refused it");
    return {
        ...verdict.facts, path, fileName: basename(path), verdictSource,
        ...(verdict.chatTemplateNotice != null ? {chatTemplateNotice: verdict.chatTemplateNotice} : {})
    };
}
