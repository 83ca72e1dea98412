import {createHash} from "node:crypto";
import {mkdir, mkdtemp, open, readFile, realpath, rename, rm, stat, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {ReferenceRow} from "../stats/logSoftmax";
import {decodeReferenceSummary, encodeReferenceWindow, positionsOf, summaryBytes, type StoredReferenceWindow} from "./referenceWindowCodec";

/** What makes a reference result reusable: the same file (path, size, mtime), backend and settings. */
export interface ReferenceKey {
    readonly modelPath: string;
    /** "cpu", "cuda", ...: the backends compute slightly different logits. */
    readonly backend: string;
    readonly window: number;
}

/** A reference task answer with the seconds it took (so a time budget counts cached items the same). */
export interface CachedAnswer {
    readonly text: string;
    readonly seconds: number;
}

const FORMAT = 2;

/**
 * The reference's per-window records and task answers on disk, so that comparing another
 * candidate against the same reference never evaluates the reference again. Files live under
 * `dir/<hash of model identity and settings>/`; windows are keyed by a hash of their tokens, so
 * changing the text only misses the windows that changed. A damaged file is a miss, not an error;
 * a failed write only costs the reuse.
 *
 * The rows of a large vocabulary do not fit in memory for every window (up to 600 KB per scored
 * token), so a run without a cache still keeps them on disk: in a temporary folder that
 * `dispose()` removes.
 */
export class ReferenceCache {
    private answers: Map<string, CachedAnswer> | undefined;
    private answersDirty = false;

    private constructor(private readonly dir: string, private readonly temporary: boolean) {}

    static async open(root: string, key: ReferenceKey): Promise<ReferenceCache> {
        const path = await realpath(key.modelPath);
        const info = await stat(path);
        const identity = JSON.stringify({format: FORMAT, path, size: info.size, mtimeMs: info.mtimeMs, backend: key.backend, window: key.window});
        const dir = join(root, createHash("sha256").update(identity).digest("hex").slice(0, 32));
        await mkdir(dir, {recursive: true});
        return new ReferenceCache(dir, false);
    }

    /** A store for one run that remembers nothing afterwards (`--no-cache`). */
    static async temporary(): Promise<ReferenceCache> {
        return new ReferenceCache(await mkdtemp(join(tmpdir(), "quantpilot-ab-")), true);
    }

    /** The summary of a stored window (its rows stay on disk), or undefined. */
    async getWindow(tokens: readonly number[]): Promise<StoredReferenceWindow | undefined> {
        const path = this.windowPath(tokens);
        const handle = await open(path, "r").catch(() => undefined);
        if (handle == null)
            return undefined;
        try {
            const {size} = await handle.stat();
            const header = Buffer.alloc(32);
            await handle.read(header, 0, 32, 0);
            const positions = positionsOf(header);
            if (positions == null || summaryBytes(positions) > size)
                return undefined;
            const bytes = Buffer.alloc(summaryBytes(positions));
            await handle.read(bytes, 0, bytes.length, 0);
            return decodeReferenceSummary(bytes, size);
        } finally {
            await handle.close();
        }
    }

    /** Where a window's file is, once complete; comparisons read it from there. */
    windowPath(tokens: readonly number[]): string {
        const hash = createHash("sha256").update(Int32Array.from(tokens)).digest("hex").slice(0, 32);
        return join(this.dir, `w-${tokens.length}-${hash}.bin`);
    }

    /** Where a scorer writes a window before `commitWindow` puts it in place (named after this process: see tempName). */
    pendingPath(tokens: readonly number[]): string {
        return tempName(this.windowPath(tokens));
    }

    async commitWindow(tokens: readonly number[]): Promise<void> {
        await rename(this.pendingPath(tokens), this.windowPath(tokens));
    }

    async putWindow(tokens: readonly number[], stored: StoredReferenceWindow, rows: readonly ReferenceRow[]): Promise<void> {
        await writeFile(this.pendingPath(tokens), encodeReferenceWindow(stored, rows));
        await this.commitWindow(tokens);
    }

    async getAnswer(key: string): Promise<CachedAnswer | undefined> {
        return (await this.loadAnswers()).get(key);
    }

    async putAnswer(key: string, answer: CachedAnswer): Promise<void> {
        (await this.loadAnswers()).set(key, answer);
        this.answersDirty = true;
    }

    /** Writes task answers gathered since the last flush. */
    async flush(): Promise<void> {
        if (!this.answersDirty || this.answers == null)
            return;
        const path = join(this.dir, "answers.json");
        const json = JSON.stringify(Object.fromEntries(this.answers));
        const temp = tempName(path);
        await writeFile(temp, json, "utf8").then(() => rename(temp, path)).catch(() => rm(temp, {force: true}).catch(() => undefined));
        this.answersDirty = false;
    }

    private async loadAnswers(): Promise<Map<string, CachedAnswer>> {
        if (this.answers == null) {
            const raw = await readFile(join(this.dir, "answers.json"), "utf8").catch(() => "{}");
            let parsed: Record<string, CachedAnswer> = {};
            try {
                parsed = JSON.parse(raw) as Record<string, CachedAnswer>;
            } catch {
                // A damaged file is a cache miss.
            }
            this.answers = new Map(Object.entries(parsed).filter(([, a]) => typeof a?.text === "string" && typeof a.seconds === "number"));
        }
        return this.answers;
    }

    /** Removes a temporary store; a cache on disk stays. */
    async dispose(): Promise<void> {
        if (this.temporary)
            await rm(this.dir, {recursive: true, force: true});
    }
}

/**
 * Named after this process, so two runs never share a temporary file and the start-up sweep
 * (sweepPartialFiles in quant/partialFiles.ts) removes one a killed run left.
 */
function tempName(path: string): string {
    return `${path}.${process.pid}.tmp`;
}
