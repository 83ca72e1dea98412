import {guardModelFile} from "../../src/engine/guard/guardModelFile";
import {ModelRejectedError} from "../../src/engine/guard/modelRejectedError";
import type {HostileFile} from "./hostileModels";
import type {ReferenceResult} from "./referenceLoad";

/** What the guard said about one file. */
export interface GuardResult {
    readonly outcome: "accepted" | "refused" | "hung" | "threw";
    readonly message?: string;
    readonly chatTemplateNotice?: string;
    readonly ms: number;
}

/**
 * Runs every file through the guard in this process, `concurrency` at a time (the editor may
 * check several files at once too), with a fresh verdict cache in `storageDir`. A call that
 * takes longer than `hangMs` counts as a hang of the guard.
 */
export async function guardEach(paths: readonly string[], storageDir: string, hangMs: number, concurrency = 1): Promise<Map<string, GuardResult>> {
    const results = new Map<string, GuardResult>();
    const queue = [...paths];
    const worker = async () => {
        for (let path = queue.shift(); path != null; path = queue.shift())
            results.set(path, await guardOne(path, storageDir, hangMs));
    };
    await Promise.all(Array.from({length: concurrency}, worker));
    return results;
}

async function guardOne(path: string, storageDir: string, hangMs: number): Promise<GuardResult> {
    const started = performance.now();
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<"hung">((resolve) => timer = setTimeout(() => resolve("hung"), hangMs));
    try {
        const result = await Promise.race([guardModelFile(path, {storageDir, gpu: "cpu", threads: 1, signal: controller.signal}), hang]);
        const ms = performance.now() - started;
        return result === "hung" ? {outcome: "hung", ms}
            : {outcome: "accepted", ms, ...(result.chatTemplateNotice != null ? {chatTemplateNotice: result.chatTemplateNotice} : {})};
    } catch (err) {
        const ms = performance.now() - started;
        return err instanceof ModelRejectedError ? {outcome: "refused", message: err.message, ms} : {outcome: "threw", message: String(err), ms};
    } finally {
        clearTimeout(timer);
        controller.abort();
    }
}

/** What went wrong between the guard and the reference for one file; undefined when they agree. */
export function disagreement(file: HostileFile, guard: GuardResult, reference: ReferenceResult): string | undefined {
    const loadedThroughDecode = reference.ok || (reference.stage === "template");
    if (guard.outcome === "hung" || guard.outcome === "threw")
        return `the guard ${guard.outcome}: ${guard.message ?? ""}`;
    if (guard.outcome === "refused") {
        if (loadedThroughDecode)
            return `false refusal (llama.cpp loads it): ${guard.message}`;
        return unclear(file, guard.message ?? "");
    }
    if (!loadedThroughDecode)
        return `accepted, but a plain load ${reference.outcome} at stage ${reference.stage}: ${reference.error ?? ""}`;
    if (!reference.ok && guard.chatTemplateNotice == null)
        return `accepted with its template, but rendering it ${reference.outcome}: ${reference.error ?? ""}`;
    return undefined;
}

/** One line, naming the file, and more than llama.cpp's bare "Failed to load model". */
function unclear(file: HostileFile, message: string): string | undefined {
    if (message.includes("\n"))
        return `refusal spans several lines: ${JSON.stringify(message)}`;
    if (!message.startsWith(`Cannot use model ${file.path}: `))
        return `refusal does not name the file: ${message}`;
    const reason = message.slice(`Cannot use model ${file.path}: `.length);
    if (reason.length < 15 || /^llama\.cpp refused it: failed to load model$/i.test(reason))
        return `refusal gives no reason: ${message}`;
    return undefined;
}
