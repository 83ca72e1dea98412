import catalogJson from "../data/catalog.json";
import {findQuantType} from "./quantTypes";

export type CatalogUse = "completions" | "assistant";

/** One model of the built-in catalog (src/data/catalog.json). */
export interface CatalogModel {
    readonly id: string;
    readonly name: string;
    readonly family: string;
    /** Billions of parameters. */
    readonly parametersB: number;
    /** Hugging Face repository (`user/name`). */
    readonly repo: string;
    /** Quantization types the repository offers, most bits first. Empty: nothing to download. */
    readonly quants: readonly string[];
    /** Exact file names for quants whose files do not follow the repository's usual naming. */
    readonly files?: Readonly<Record<string, string>>;
    /** Files whose bytes were checked: a download of that quant must have this SHA-256 and size. */
    readonly pinned?: Readonly<Record<string, PinnedFile>>;
    /** The quant the first-run prompt offers (at most one model has it; it must be pinned). */
    readonly firstRun?: string;
    readonly capabilities: {readonly fim: boolean; readonly tools: boolean; readonly chat: boolean};
    /** What QuantPilot recommends it for: completions need FIM, the assistant needs tools. */
    readonly use: readonly CatalogUse[];
    readonly contextLength: number;
    readonly license: string;
    /** Which facts were confirmed from a primary source; the rest are shown as unverified. */
    readonly verified: {readonly repo: boolean; readonly quants: boolean; readonly contextLength: boolean; readonly license: boolean};
    readonly notes?: string;
}

export interface PinnedFile {
    /** Lower-case hex. */
    readonly sha256: string;
    readonly sizeBytes: number;
}

export interface Catalog {
    readonly schemaVersion: 1;
    readonly models: readonly CatalogModel[];
}

export class CatalogError extends Error {
    override readonly name = "CatalogError";
}

let shipped: Catalog | undefined;

/** The catalog shipped with the extension, checked once. */
export function builtInCatalog(): Catalog {
    shipped ??= parseCatalog(catalogJson);
    return shipped;
}

/** node-llama-cpp's URI for one quant of a catalog model. */
export function downloadUri(model: CatalogModel, quant: string): string {
    const file = model.files?.[quant];
    return file != null ? `hf:${model.repo}/${file}` : `hf:${model.repo}:${quant}`;
}

/** Rough file size of a quant: parameters × the type's typical bits per weight. */
export function approxFileBytes(model: CatalogModel, quant: string): number {
    const bits = findQuantType(quant)?.approxBitsPerWeight ?? 16;
    return Math.round((model.parametersB * 1e9 * bits) / 8);
}

/** Validates catalog data; every problem is listed in the error, so a bad edit is fixed in one go. */
export function parseCatalog(data: unknown): Catalog {
    const problems: string[] = [];
    const root = data as {schemaVersion?: unknown; models?: unknown};
    if (root == null || typeof root !== "object")
        throw new CatalogError("the catalog is not a JSON object");
    if (root.schemaVersion !== 1)
        problems.push(`schemaVersion is ${JSON.stringify(root.schemaVersion)}, expected 1`);
    if (!Array.isArray(root.models))
        throw new CatalogError([...problems, "models is not a list"].join("; "));
    const ids = new Set<string>();
    root.models.forEach((model: unknown, i: number) => checkModel(model, `models[${i}]`, problems, ids));
    if (root.models.filter((m: {firstRun?: unknown}) => m?.firstRun != null).length > 1)
        problems.push("more than one model has firstRun");
    if (problems.length > 0)
        throw new CatalogError(`the model catalog is invalid: ${problems.join("; ")}`);
    return root as Catalog;
}

const REPO = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

function checkModel(value: unknown, at: string, problems: string[], ids: Set<string>): void {
    const m = value as Record<string, unknown>;
    if (m == null || typeof m !== "object") {
        problems.push(`${at} is not an object`);
        return;
    }
    for (const key of ["id", "name", "family", "repo", "license"])
        if (typeof m[key] !== "string" || m[key] === "")
            problems.push(`${at}.${key} must be a non-empty string`);
    if (typeof m.id === "string") {
        if (ids.has(m.id))
            problems.push(`${at}.id "${m.id}" appears twice`);
        ids.add(m.id);
    }
    if (typeof m.repo === "string" && !REPO.test(m.repo))
        problems.push(`${at}.repo "${m.repo}" is not user/name`);
    if (typeof m.parametersB !== "number" || !(m.parametersB > 0 && m.parametersB < 1000))
        problems.push(`${at}.parametersB must be a positive number of billions`);
    if (typeof m.contextLength !== "number" || !Number.isInteger(m.contextLength) || m.contextLength < 512)
        problems.push(`${at}.contextLength must be a whole number of tokens`);
    checkQuants(m, at, problems);
    checkFlags(m.capabilities, `${at}.capabilities`, ["fim", "tools", "chat"], problems);
    checkFlags(m.verified, `${at}.verified`, ["repo", "quants", "contextLength", "license"], problems);
    checkUse(m, at, problems);
    checkPins(m, at, problems);
}

const SHA256 = /^[0-9a-f]{64}$/;

function checkPins(m: Record<string, unknown>, at: string, problems: string[]): void {
    const quants = Array.isArray(m.quants) ? m.quants as unknown[] : [];
    const pinned = (m.pinned ?? {}) as Record<string, {sha256?: unknown; sizeBytes?: unknown}>;
    if (typeof pinned !== "object")
        problems.push(`${at}.pinned must map quant names to {sha256, sizeBytes}`);
    for (const [quant, pin] of Object.entries(pinned))
        if (!quants.includes(quant) || typeof pin?.sha256 !== "string" || !SHA256.test(pin.sha256) ||
            typeof pin.sizeBytes !== "number" || !Number.isInteger(pin.sizeBytes) || pin.sizeBytes <= 0)
            problems.push(`${at}.pinned.${quant} must be {sha256: 64 lower-case hex digits, sizeBytes: a positive whole number} of a listed quant`);
    if (m.firstRun != null && (typeof m.firstRun !== "string" || pinned[m.firstRun] == null))
        problems.push(`${at}.firstRun must name a pinned quant: the first run shows its checksum before downloading`);
}

function checkQuants(m: Record<string, unknown>, at: string, problems: string[]): void {
    if (!Array.isArray(m.quants)) {
        problems.push(`${at}.quants must be a list`);
        return;
    }
    for (const quant of m.quants)
        if (typeof quant !== "string" || findQuantType(quant)?.name !== quant)
            problems.push(`${at}.quants has "${String(quant)}", not a canonical llama.cpp type name`);
    if (m.files != null) {
        if (typeof m.files !== "object")
            problems.push(`${at}.files must map quant names to file names`);
        else
            for (const [quant, file] of Object.entries(m.files))
                if (!m.quants.includes(quant) || typeof file !== "string" || !/\.gguf$/i.test(file))
                    problems.push(`${at}.files.${quant} must name a .gguf file of a listed quant`);
    }
}

function checkFlags(value: unknown, at: string, keys: readonly string[], problems: string[]): void {
    const flags = value as Record<string, unknown> | undefined;
    for (const key of keys)
        if (typeof flags?.[key] !== "boolean")
            problems.push(`${at}.${key} must be true or false`);
}

function checkUse(m: Record<string, unknown>, at: string, problems: string[]): void {
    if (!Array.isArray(m.use)) {
        problems.push(`${at}.use must be a list`);
        return;
    }
    const capabilities = m.capabilities as {fim?: unknown; tools?: unknown} | undefined;
    for (const use of m.use) {
        if (use !== "completions" && use !== "assistant")
            problems.push(`${at}.use has "${String(use)}" (completions or assistant)`);
        if (use === "completions" && capabilities?.fim !== true)
            problems.push(`${at} is recommended for completions but has no FIM`);
        if (use === "assistant" && capabilities?.tools !== true)
            problems.push(`${at} is recommended for the assistant but has no tool calling`);
    }
}
