import {mkdir, readFile, rename, stat, writeFile} from "node:fs/promises";
import {join} from "node:path";
import type {ModelFileFacts} from "../modelFile";
import {hashHeader, type FileIdentity} from "./fileIdentity";

/** Files remembered; the oldest are forgotten first. */
const MAX_ENTRIES = 200;
const CACHE_VERSION = 1;

/** What the guard concluded about one file. */
export interface GuardVerdict {
    readonly accepted: boolean;
    /** Why it was refused (when not accepted), one line. */
    readonly reason?: string;
    /** What the header says (when accepted), without path and file name. */
    readonly facts?: Omit<ModelFileFacts, "path" | "fileName">;
    /** Set when the chat template is not used; says why and what is used instead. */
    readonly chatTemplateNotice?: string;
}

export interface CachedVerdict extends GuardVerdict, FileIdentity {
    /** Header bytes hashed (up to the tensor data). */
    readonly headerBytes: number;
    readonly headerHash: string;
    /** The engine the probe ran on: a verdict holds for that engine only. */
    readonly engine: string;
    readonly checkedAt: string;
}

interface CacheFile {
    readonly version: number;
    readonly entries: CachedVerdict[];
}

/**
 * The guard's verdicts, by file identity (real path, size, modification time and a hash of the
 * header bytes) and engine, in one small JSON file. A known file costs a stat and a hash of its
 * header; the file is read again only when another process has changed it.
 */
export class VerdictCache {
    private loaded: {mtimeMs: number; entries: CachedVerdict[]} | undefined;
    private writing: Promise<void> = Promise.resolve();

    constructor(private readonly storageDir: string) {}

    get file(): string {
        return join(this.storageDir, "model-guard.json");
    }

    /** The verdict for this file on this engine, if its header is unchanged since it was checked. */
    async find(identity: FileIdentity, engine: string, signal?: AbortSignal): Promise<CachedVerdict | undefined> {
        const entry = (await this.entries()).find((e) => e.realPath === identity.realPath && e.size === identity.size &&
            e.mtimeMs === identity.mtimeMs && e.engine === engine);
        if (entry == null)
            return undefined;
        return (await hashHeader(identity.realPath, entry.headerBytes, signal)) === entry.headerHash ? entry : undefined;
    }

    store(verdict: CachedVerdict): Promise<void> {
        this.writing = this.writing.then(() => this.write(verdict)).catch(() => undefined);
        return this.writing;
    }

    private async write(verdict: CachedVerdict): Promise<void> {
        const others = (await this.entries()).filter((e) => !(e.realPath === verdict.realPath && e.engine === verdict.engine));
        const entries = [...others, verdict].slice(-MAX_ENTRIES);
        await mkdir(this.storageDir, {recursive: true});
        const temp = `${this.file}.${process.pid}.tmp`;
        await writeFile(temp, JSON.stringify({version: CACHE_VERSION, entries} satisfies CacheFile));
        await rename(temp, this.file);
        this.loaded = {mtimeMs: (await stat(this.file)).mtimeMs, entries};
    }

    private async entries(): Promise<CachedVerdict[]> {
        const mtimeMs = (await stat(this.file).catch(() => undefined))?.mtimeMs;
        if (mtimeMs == null)
            return [];
        if (this.loaded?.mtimeMs === mtimeMs)
            return this.loaded.entries;
        const entries = parseCache(await readFile(this.file, "utf8").catch(() => ""));
        this.loaded = {mtimeMs, entries};
        return entries;
    }
}

/** A damaged or foreign cache file is treated as empty (the guard then checks again). */
function parseCache(text: string): CachedVerdict[] {
    try {
        const parsed = JSON.parse(text) as Partial<CacheFile>;
        if (parsed.version !== CACHE_VERSION || !Array.isArray(parsed.entries))
            return [];
        return parsed.entries.filter((e) => typeof e?.realPath === "string" && typeof e.headerHash === "string" &&
            typeof e.headerBytes === "number" && typeof e.accepted === "boolean");
    } catch {
        return [];
    }
}
