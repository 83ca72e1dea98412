import * as vscode from "vscode";
import type {Config} from "../../config";
import type {CompletionSettings} from "../completionService";
import {DEFAULT_LANGUAGES} from "../completionDefaults";

/** Document schemes completions run in: files being edited, not output panes or diff views. */
const SCHEMES = new Set(["file", "untitled", "vscode-notebook-cell", "vscode-remote", "vscode-vfs"]);

/** The completion settings (`quantpilot.completions.*`), read live through the shared `Config`. */
export class CompletionSettingsReader {
    constructor(private readonly config: Config) {}

    read(): CompletionSettings {
        const config = this.config;
        return {
            maxTokens: config.get("completions.maxTokens"),
            maxTimeMs: config.get("completions.maxTimeMs"),
            debounceMs: config.get("completions.debounceMs"),
            alternatives: 3,
            prefetch: config.get("completions.prefetch"),
            contextChunks: config.get("completions.contextChunks"),
            budget: {
                maxPrefixTokens: config.get("completions.maxPrefixTokens"),
                maxSuffixTokens: config.get("completions.maxSuffixTokens"),
                maxContextTokens: config.get("completions.maxContextTokens")
            }
        };
    }

    /** Whether completions may read this document: scheme, per-language switch, and exclude globs. */
    allows(document: vscode.TextDocument): boolean {
        if (!SCHEMES.has(document.uri.scheme))
            return false;
        const languages = {...DEFAULT_LANGUAGES, ...this.config.get("completions.languages")};
        const enabled = languages[document.languageId] ?? languages["*"];
        if (enabled === false)
            return false;
        return !this.config.get("completions.exclude").some((pattern) => vscode.languages.match({pattern}, document) > 0);
    }
}
