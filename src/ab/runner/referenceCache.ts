import {createHash} from "node:crypto";
import {mkdir, readFile, realpath, rename, rm, stat, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {decodeReferenceWindow, encodeReferenceWindow, type StoredReferenceWindow} from "./referenceWindowCodec";

/** What makes a reference result reusable: the same file (path, size, mtime), backend and settings. */
export interface ReferenceKey {
    readonly modelPath: string;
    /** "cpu", "cuda", ...: the backends compute slightly different logits. */
    readonly backend: string;
    readonly window: number;
    readonly topK: number;
}

/** A reference task answer with the seconds it took (so a time budget counts cached items the same). */
export interface CachedAnswer {
    readonly text: string;
    readonly seconds: number;
}

const FORMAT = 1;

/**
 * The reference's per-window records and task answers on disk, so that comparing another
 * candidate against the same reference never evaluates the reference again. Files live under
 * `dir/<hash of model identity and settings>/`; windows are keyed by a hash of their tokens, so
 * changing the text only misses the windows that changed. A damaged file is a miss, not an error;
 * a failed write only costs the reuse.
 */
export class ReferenceCache {
    private answers: Map<string, CachedAnswer> | undefined;
    private answersDirty = false;

    private constructor(private readonly dir: string) {}

    static async open(root: string, key: ReferenceKey): Promise<ReferenceCache> {
        const path = await realpath(key.modelPath);
        const info = await stat(path);
        const identity = JSON.stringify({format: FORMAT, path, size: info.size, mtimeMs: info.mtimeMs, backend: key.backend, window: key.window, topK: key.topK});
        const dir = join(root, createHash("sha256").update(identity).digest("hex").slice(0, 32));
        await mkdir(dir, {recursive: true});
        return new ReferenceCache(dir);
    }

    async getWindow(tokens: readonly number[]): Promise<StoredReferenceWindow | undefined> {
        const bytes = await readFile(this.windowPath(tokens)).catch(() => undefined);
        return bytes == null ? undefined : decodeReferenceWindow(bytes);
    }

    async putWindow(tokens: readonly number[], stored: StoredReferenceWindow): Promise<void> {
        const path = this.windowPath(tokens);
        const temp = tempName(path);
        await writeFile(temp, encodeReferenceWindow(stored)).then(() => rename(temp, path)).catch(() => rm(temp, {force: true}).catch(() => undefined));
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

    private windowPath(tokens: readonly number[]): string {
        const hash = createHash("sha256").update(Int32Array.from(tokens)).digest("hex").slice(0, 32);
        return join(this.dir, `w-${tokens.length}-${hash}.bin`);
    }
}

/**
 * Named after this process, so two runs never share a temporary file and the start-up sweep
 * (sweepPartialFiles in quant/partialFiles.ts) removes one a killed run left.
 */
function tempName(path: string): string {
    return `${path}.${process.pid}.tmp`;
}
