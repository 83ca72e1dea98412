import type {AdapterFacts} from "./adapterFile";

/** One adapter to apply: the `quantpilot.lora.adapters` setting holds a list of these. */
export interface AdapterRequest {
    readonly path: string;
    /** How strongly the adapter applies: 0 leaves the model as it is, 1 as trained. Default 1. */
    readonly scale: number;
}

/** An adapter the loaded model runs with. */
export interface ActiveAdapter extends AdapterFacts {
    readonly scale: number;
}

/** Scales past this are refused: they only blow the model up, and usually mean a typo. */
export const MAX_ADAPTER_SCALE = 16;

/** Whether `scale` is a scale QuantPilot applies; the reason when not. */
export function scaleProblem(scale: number): string | undefined {
    if (!Number.isFinite(scale))
        return `the scale must be a number (got ${scale})`;
    if (Math.abs(scale) > MAX_ADAPTER_SCALE)
        return `the scale ${scale} is outside -${MAX_ADAPTER_SCALE}..${MAX_ADAPTER_SCALE}`;
    return undefined;
}

/** Parses the CLI's `FILE[:scale]`; a Windows drive letter's colon is not a scale. */
export function parseAdapterArgument(argument: string): AdapterRequest {
    const match = /^(.+):(-?[0-9]*\.?[0-9]+(?:e-?[0-9]+)?)$/i.exec(argument);
    if (match == null)
        return {path: argument, scale: 1};
    return {path: match[1]!, scale: Number(match[2])};
}

/** "name ×0.5, other ×1": how the status bar and logs name the adapters. */
export function describeAdapters(adapters: readonly {readonly fileName: string; readonly scale: number}[]): string {
    return adapters.map((a) => `${a.fileName} ×${a.scale}`).join(", ");
}

/** Why a `quantpilot.lora.adapters` value is not a list of {path, scale}; undefined when it is. */
export function adapterListProblem(raw: unknown): string | undefined {
    if (!Array.isArray(raw))
        return "is not a list of {\"path\", \"scale\"} objects";
    for (const [i, item] of raw.entries()) {
        const entry = item as {path?: unknown; scale?: unknown} | null;
        if (entry == null || typeof entry !== "object" || typeof entry.path !== "string" || entry.path.trim() === "")
            return `has an entry ${i + 1} without a "path"`;
        if (entry.scale !== undefined && (typeof entry.scale !== "number" || scaleProblem(entry.scale) != null))
            return `has an entry ${i + 1} whose "scale" is not a number in -${MAX_ADAPTER_SCALE}..${MAX_ADAPTER_SCALE}`;
    }
    return undefined;
}

/** The setting's entries as requests: paths trimmed, a missing scale is 1. */
export function adapterRequests(entries: readonly {readonly path: string; readonly scale?: number}[]): AdapterRequest[] {
    return entries.map((e) => ({path: e.path.trim(), scale: e.scale ?? 1}));
}

/** Same adapters, same order, same scales. */
export function sameAdapters(a: readonly AdapterRequest[], b: readonly AdapterRequest[]): boolean {
    return a.length === b.length && a.every((x, i) => x.path === b[i]!.path && x.scale === b[i]!.scale);
}
