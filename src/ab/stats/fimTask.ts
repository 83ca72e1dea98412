import {distance} from "fastest-levenshtein";
import {SeededRandom} from "../../gguf/seededRandom";

/** One held-out line: the model sees everything before and after it and must write it. */
export interface FimItem {
    /** "file:line" (1-based), stable across runs. */
    readonly id: string;
    /** The text before the line, including the line's indentation (the cursor sits after it). */
    readonly prefix: string;
    /** A newline and everything after the line. */
    readonly suffix: string;
    /** The line without its indentation. */
    readonly expected: string;
}

export interface FimSource {
    readonly name: string;
    readonly text: string;
}

export interface FimItemOptions {
    /** How many lines to hold out. Default: 60. */
    readonly count?: number;
    /** The same seed picks the same lines. Default: 1. */
    readonly seed?: number;
}

/**
 * Picks held-out lines from code: lines with real content (at least 8 characters and 3 letters
 * or digits), not comments or lone brackets, drawn in a seeded random order across all sources
 * so that a smaller count still spreads over every file.
 */
export function heldOutLines(sources: readonly FimSource[], options: FimItemOptions = {}): FimItem[] {
    const candidates: FimItem[] = [];
    for (const source of sources) {
        const lines = source.text.split("\n");
        let offset = 0;
        lines.forEach((line, index) => {
            const indentation = line.length - line.trimStart().length;
            if (isWorthCompleting(line))
                candidates.push({
                    id: `${source.name}:${index + 1}`,
                    prefix: source.text.slice(0, offset + indentation),
                    suffix: source.text.slice(offset + line.length),
                    expected: line.trim()
                });
            offset += line.length + 1;
        });
    }
    shuffle(candidates, options.seed ?? 1);
    return candidates.slice(0, options.count ?? 60);
}

function isWorthCompleting(line: string): boolean {
    const text = line.trim();
    if (text.length < 8 || text.length > 120)
        return false;
    if (/^(\/\/|#(?!include)|\/\*|\*|"""|--)/.test(text))
        return false;
    return (text.match(/[A-Za-z0-9]/g) ?? []).length >= 3;
}

function shuffle<T>(items: T[], seed: number): void {
    new SeededRandom(seed, 0xf1).shuffle(items);
}

/** How a completion is scored against the held-out line. */
export interface FimScore {
    readonly exact: boolean;
    /** 1 − Levenshtein distance / longer length: 1 for identical, 0 for nothing in common. */
    readonly editSimilarity: number;
}

/** Scores the first line of a completion; surrounding whitespace does not count. */
export function scoreFimCompletion(completion: string, expected: string): FimScore {
    const line = (completion.split("\n")[0] ?? "").trim();
    const target = expected.trim();
    const longer = Math.max(line.length, target.length);
    return {
        exact: line === target,
        editSimilarity: longer === 0 ? 1 : 1 - distance(line, target) / longer
    };
}
