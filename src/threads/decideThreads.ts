import type {PhaseThreadCounts} from "./applyThreads";

/** The thread settings as the user wrote them; 0 means "choose for me". */
export interface ThreadSettings {
    /** `quantpilot.threads`: both phases, unless a phase has its own setting. Default 0. */
    readonly threads: number;
    /** `quantpilot.promptThreads`: prompt processing only. Default 0. */
    readonly prompt?: number;
    /** `quantpilot.decodeThreads`: token generation only. Default 0. */
    readonly decode?: number;
}

/** What a thread probe found best for this machine and model size. */
export interface MeasuredThreads extends PhaseThreadCounts {
    readonly measuredAt: string;
}

export interface ThreadPolicyInput {
    readonly settings: ThreadSettings;
    /** Physical cores. */
    readonly cores: number;
    /**
     * Cores left for everything else when the count is chosen automatically: 1 in the extension
     * host (the editor must stay responsive), 0 in the CLI and benchmarks. Default 0.
     */
    readonly headroom?: number;
    readonly measured?: MeasuredThreads;
    /** How the settings are called where they came from, for notes. Default: the VS Code setting names. */
    readonly names?: {readonly threads: string; readonly prompt: string; readonly decode: string};
}

const SETTING_NAMES = {threads: "quantpilot.threads", prompt: "quantpilot.promptThreads", decode: "quantpilot.decodeThreads"};

export interface ThreadPlan extends PhaseThreadCounts {
    /** Why each count, for the log and the panel. */
    readonly why: {readonly prompt: string; readonly decode: string};
    /** Corrections the user should hear about (a setting above the core count, an invalid value). */
    readonly notes: readonly string[];
    /** Counts a probe should compare per phase; empty when settings fix the phase or only one count is possible. */
    readonly candidates: {readonly prompt: readonly number[]; readonly decode: readonly number[]};
}

type Phase = "prompt" | "decode";

/**
 * Chooses thread counts for prompt processing and for decoding, separately. Precedence per
 * phase: its own setting, then `quantpilot.threads`, then a measurement, then a default.
 * Defaults: prompts use every core the headroom allows (prompt batches scale with cores);
 * decoding leaves one more core free, because in Node the JS thread samples between tokens and
 * ggml's spinning threads then compete with it (measured: 2 decode threads on 2 cores ran at
 * ~0.15x of llama-bench, 1 thread at ~0.8x).
 */
export function planThreads(input: ThreadPolicyInput): ThreadPlan {
    const cores = Math.max(1, Math.floor(input.cores));
    const usable = Math.max(1, cores - Math.max(0, input.headroom ?? 0));
    const notes: string[] = [];
    const phase = (name: Phase, fallback: number, fallbackWhy: string) => {
        const own = input.settings[name] ?? 0;
        const names = input.names ?? SETTING_NAMES;
        const explicit = pickExplicit([[names[name], own], [names.threads, input.settings.threads]], cores, notes);
        if (explicit != null)
            return {threads: explicit.threads, why: explicit.why, candidates: []};
        const measured = input.measured?.[name];
        const candidates = probeCandidates(usable, name);
        if (measured != null && measured >= 1 && measured <= usable)
            return {threads: measured, why: `measured fastest on this machine (${input.measured!.measuredAt.slice(0, 10)})`, candidates};
        return {threads: fallback, why: fallbackWhy, candidates};
    };
    const headroomWhy = usable < cores ? `, keeping ${cores - usable} for the editor` : "";
    const prompt = phase("prompt", usable, `${usable} of ${cores} physical cores${headroomWhy}`);
    // Decoding keeps one core free in all: the headroom when there is some, else one of its own.
    const decodeDefault = usable === cores ? Math.max(1, cores - 1) : usable;
    const decode = phase("decode", decodeDefault, decodeDefault < usable
        ? `${decodeDefault} of ${cores} physical cores, leaving one to the JS thread that samples between tokens`
        : `${decodeDefault} of ${cores} physical cores${headroomWhy}`);
    return {
        prompt: prompt.threads,
        decode: decode.threads,
        why: {prompt: prompt.why, decode: decode.why},
        notes,
        candidates: {prompt: prompt.candidates, decode: decode.candidates}
    };
}

function pickExplicit(
    settings: ReadonlyArray<readonly [string, number]>,
    cores: number,
    notes: string[]
): {threads: number; why: string} | undefined {
    for (const [key, value] of settings) {
        if (value === 0)
            continue;
        if (!Number.isInteger(value) || value < 0) {
            addNote(notes, `${key} = ${value} is not a whole number of threads; ignored`);
            continue;
        }
        if (value > cores) {
            addNote(notes, `${key} = ${value} is more than the ${cores} physical cores; clamped to ${cores}`);
            return {threads: cores, why: `${key} clamped to ${cores} physical cores`};
        }
        return {threads: value, why: `set by ${key}`};
    }
    return undefined;
}

function addNote(notes: string[], note: string): void {
    if (!notes.includes(note))
        notes.push(note);
}

/**
 * Thread counts worth comparing, at most four, from 1 to `usable`: for prompts the top of the
 * range (where prompt batches peak), for decoding also the low end (where memory-bound steps
 * often peak). A single possible count needs no probe.
 */
export function probeCandidates(usable: number, phase: Phase): number[] {
    if (usable <= 1)
        return [];
    const picks = phase === "prompt"
        ? [usable, usable - 1, Math.ceil(usable / 2)]
        : [1, 2, Math.ceil(usable / 2), usable - 1, usable];
    const unique = [...new Set(picks.filter((n) => n >= 1 && n <= usable))].sort((a, b) => a - b);
    if (unique.length <= 4)
        return unique;
    // Keep both ends and the middle.
    return [unique[0]!, unique[1]!, unique[Math.floor(unique.length / 2)]!, unique[unique.length - 1]!]
        .filter((n, i, all) => all.indexOf(n) === i);
}

export interface ThreadSample {
    readonly threads: number;
    readonly tokensPerSecond: number;
}

/**
 * The fastest thread count, preferring fewer threads when within `tolerance` of the fastest:
 * a count that gains 2% is not worth a core the editor could use.
 */
export function pickFastest(samples: readonly ThreadSample[], tolerance = 0.05): ThreadSample | undefined {
    const best = samples.reduce<ThreadSample | undefined>((top, s) => top == null || s.tokensPerSecond > top.tokensPerSecond ? s : top, undefined);
    if (best == null)
        return undefined;
    const nearBest = samples.filter((s) => s.tokensPerSecond >= best.tokensPerSecond * (1 - tolerance));
    return nearBest.reduce((few, s) => s.threads < few.threads ? s : few);
}
