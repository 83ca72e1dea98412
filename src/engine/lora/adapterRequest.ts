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
