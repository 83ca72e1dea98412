import * as vscode from "vscode";
import type {Config} from "../../config";
import type {CompletionSettings} from "../completionService";
import type {PromptBudget} from "../promptTokens";
import {DEFAULT_EXCLUDE, DEFAULT_LANGUAGES} from "../completionDefaults";

const SECTION = "quantpilot.completions";



/** Document schemes completions run in: files being edited, not output panes or diff views. */
const SCHEMES = new Set(["file", "untitled", "vscode-notebook-cell", "vscode-remote", "vscode-vfs"]);

/**
 * The completion settings (`quantpilot.completions.*`), read live. The basic ones come from the
 * shared `Config`; the rest are read here. Invalid values fall back to their defaults.
 */
export class CompletionSettingsReader {
    constructor(private readonly config: Config) {}

    private get section(): vscode.WorkspaceConfiguration {
        return vscode.workspace.getConfiguration(SECTION);
    }

    read(): CompletionSettings {
        const budget: Partial<PromptBudget> = {
            ...this.optionalInteger("maxPrefixTokens", "maxPrefixTokens", 16),
            ...this.optionalInteger("maxSuffixTokens", "maxSuffixTokens", 0),
            ...this.optionalInteger("maxContextTokens", "maxContextTokens", 0)
        };
        return {
            maxTokens: this.config.completionMaxTokens,
            maxTimeMs: this.config.completionMaxTimeMs,
            debounceMs: this.config.completionDebounceMs,
            alternatives: 3,
            prefetch: this.section.get<boolean>("prefetch", true) !== false,
            contextChunks: this.integer("contextChunks", 16, 0),
            budget
        };
    }

    /** Whether completions may read this document: scheme, per-language switch, and exclude globs. */
    allows(document: vscode.TextDocument): boolean {
        if (!SCHEMES.has(document.uri.scheme))
            return false;
        const languages = {...DEFAULT_LANGUAGES, ...this.section.get<Record<string, unknown>>("languages", {})};
        const enabled = languages[document.languageId] ?? languages["*"];
        if (enabled === false)
            return false;
        const exclude = this.section.get<unknown>("exclude", DEFAULT_EXCLUDE);
        const globs = Array.isArray(exclude) ? exclude.filter((g): g is string => typeof g === "string") : DEFAULT_EXCLUDE;
        return !globs.some((pattern) => vscode.languages.match({pattern}, document) > 0);
    }

    private integer(key: string, fallback: number, min: number): number {
        const value = this.section.get<unknown>(key, fallback);
        return typeof value === "number" && Number.isInteger(value) && value >= min ? value : fallback;
    }

    private optionalInteger(key: string, name: keyof PromptBudget, min: number): Partial<PromptBudget> {
        const value = this.section.get<unknown>(key);
        return typeof value === "number" && Number.isInteger(value) && value >= min ? {[name]: value} : {};
    }
}
