import {createHash} from "node:crypto";
import {LRUCache} from "lru-cache";

/** Suggestions computed for one exact input, and how they were made. */
export interface CachedSuggestions {
    readonly suggestions: readonly string[];
    /** Computed ahead of time (speculative prefetch) rather than for a request. */
    readonly prefetched: boolean;
}

/**
 * Recent suggestions keyed by a hash of everything that decides them (prefix, suffix, file,
 * context chunks, settings). A hit is exactly what the model would return, so it never changes the
 * text a request gets; it only skips the model.
 */
export class SuggestionCache {
    private readonly entries: LRUCache<string, CachedSuggestions>;
    private hitCount = 0;
    private missCount = 0;

    constructor(maxEntries = 256) {
        this.entries = new LRUCache({max: maxEntries});
    }

    static key(parts: readonly string[]): string {
        const hash = createHash("sha256");
        for (const part of parts) {
            hash.update(String(part.length));
            hash.update(":");
            hash.update(part);
        }
        return hash.digest("base64url");
    }

    get(key: string): CachedSuggestions | undefined {
        const entry = this.entries.get(key);
        if (entry == null)
            this.missCount++;
        else
            this.hitCount++;
        return entry;
    }

    has(key: string): boolean {
        return this.entries.has(key);
    }

    set(key: string, entry: CachedSuggestions): void {
        this.entries.set(key, entry);
    }

    get stats(): {hits: number; misses: number} {
        return {hits: this.hitCount, misses: this.missCount};
    }

    clear(): void {
        this.entries.clear();
    }
}

/** A suggestion as it was shown (or is being computed) at some cursor position. */
export interface ShownSuggestion {
    readonly prefix: string;
    readonly suffix: string;
    /** Everything else that decided it (file, chunks, settings); must match for a reuse. */
    readonly contextKey: string;
    readonly suggestions: readonly string[];
}

/** How much of the old prefix must still end the new one (minus what was typed) for a reuse. */
const ANCHOR_CHARS = 1000;

/**
 * Reuse while typing: when the user typed exactly the start of a suggestion that is on screen, the
 * rest of it is the answer, with no model call. Returns the remainders, in the order of the
 * suggestions, or undefined when the typed text left every suggestion.
 */
export function continueSuggestion(shown: ShownSuggestion, prefix: string, suffix: string, contextKey: string): string[] | undefined {
    if (shown.contextKey !== contextKey || shown.suffix !== suffix || prefix.length <= shown.prefix.length - ANCHOR_CHARS)
        return undefined;
    const anchor = shown.prefix.slice(-ANCHOR_CHARS);
    const rests: string[] = [];
    for (const suggestion of shown.suggestions) {
        const typed = typedPart(prefix, anchor, suggestion);
        if (typed != null && typed.length < suggestion.length)
            rests.push(suggestion.slice(typed.length));
    }
    return rests.length > 0 ? rests : undefined;
}

/** The start of `suggestion` that `prefix` ends with, right after `anchor`; undefined when none is. */
function typedPart(prefix: string, anchor: string, suggestion: string): string | undefined {
    for (let length = 1; length < suggestion.length && length <= prefix.length; length++) {
        const typed = suggestion.slice(0, length);
        if (prefix.endsWith(typed) && prefix.slice(0, prefix.length - length).endsWith(anchor))
            return typed;
    }
    return undefined;
}
