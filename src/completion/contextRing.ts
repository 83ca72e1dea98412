import type {ContextChunk} from "./promptTokens";

/** Where a chunk came from, for the log. */
export type ChunkSource = "edit" | "visit" | "clipboard";

export interface RingChunk extends ContextChunk {
    /** The document it came from (a URI), so chunks overlapping the prompt's own window can be left out. */
    readonly documentKey: string;
    /** First line of the chunk in that document. */
    readonly startLine: number;
    readonly lineCount: number;
    readonly source: ChunkSource;
}

/** Options of the extra-context ring buffer. */
export interface ContextRingOptions {
    /** Most chunks kept; the oldest goes first. Default: 16. */
    readonly maxChunks: number;
    /** Lines per chunk; longer ranges are cut around their middle. Default: 64. */
    readonly chunkLines: number;
    /** A new chunk at least this similar (Jaccard over its lines) to an older one replaces it. Default: 0.9. */
    readonly similarity: number;
}

export const DEFAULT_CONTEXT_RING_OPTIONS: ContextRingOptions = {maxChunks: 16, chunkLines: 64, similarity: 0.9};

/**
 * Extra context for the prompt: chunks from recently edited ranges, recently visited files and the
 * clipboard. New chunks wait in a queue and are committed in idle time (`commit`), because any change
 * to the chunks changes the start of the prompt and so invalidates the whole KV cache; the caller
 * warms the cache right after a commit.
 */
export class ContextRing {
    private committed: RingChunk[] = [];
    private queued: RingChunk[] = [];
    private generation = 0;

    constructor(private readonly options: ContextRingOptions = DEFAULT_CONTEXT_RING_OPTIONS) {}

    /** Bumped by every commit that changed the chunks; part of the result cache's key. */
    get version(): number {
        return this.generation;
    }

    get pending(): boolean {
        return this.queued.length > 0;
    }

    /** Queues lines of a document as a chunk; too small or blank ranges are ignored. */
    add(chunk: {documentKey: string; fileName: string; lines: readonly string[]; startLine: number; source: ChunkSource}): void {
        const {chunkLines} = this.options;
        let lines = chunk.lines;
        let startLine = chunk.startLine;
        if (lines.length > chunkLines) {
            const from = Math.floor((lines.length - chunkLines) / 2);
            lines = lines.slice(from, from + chunkLines);
            startLine += from;
        }
        if (lines.filter((l) => l.trim() !== "").length < 3 || this.options.maxChunks <= 0)
            return;
        const entry: RingChunk = {
            documentKey: chunk.documentKey, fileName: chunk.fileName, text: lines.join("\n") + "\n",
            startLine, lineCount: lines.length, source: chunk.source
        };
        // A newer near-copy replaces a queued one right away; committed ones wait for `commit`.
        this.queued = this.queued.filter((q) => jaccard(q.text, entry.text) < this.options.similarity);
        this.queued.push(entry);
        if (this.queued.length > this.options.maxChunks)
            this.queued.shift();
    }

    /** Moves queued chunks into the ring, evicting near-duplicates and the oldest; true if anything changed. */
    commit(): boolean {
        if (this.queued.length === 0)
            return false;
        let changed = false;
        for (const entry of this.queued.splice(0)) {
            if (this.committed.some((c) => c.text === entry.text && c.fileName === entry.fileName))
                continue;
            this.committed = this.committed.filter((c) => jaccard(c.text, entry.text) < this.options.similarity);
            this.committed.push(entry);
            changed = true;
        }
        while (this.committed.length > this.options.maxChunks)
            this.committed.shift();
        if (changed)
            this.generation++;
        return changed;
    }

    /**
     * Committed chunks, oldest first, leaving out those from the given document that overlap the
     * lines the prompt already shows (`fromLine` to `toLine`).
     */
    chunksFor(documentKey: string, fromLine: number, toLine: number): RingChunk[] {
        return this.committed.filter((c) => c.documentKey !== documentKey || c.startLine + c.lineCount <= fromLine || c.startLine > toLine);
    }

    clear(): void {
        this.committed = [];
        this.queued = [];
        this.generation++;
    }
}

/** Jaccard similarity of two texts' sets of non-blank trimmed lines (1 = the same lines). */
export function jaccard(a: string, b: string): number {
    const setA = lineSet(a);
    const setB = lineSet(b);
    if (setA.size === 0 && setB.size === 0)
        return 1;
    let shared = 0;
    for (const line of setA)
        if (setB.has(line))
            shared++;
    return shared / (setA.size + setB.size - shared);
}

function lineSet(text: string): Set<string> {
    return new Set(text.split("\n").map((l) => l.trim()).filter((l) => l !== ""));
}
