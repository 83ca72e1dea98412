import * as vscode from "vscode";

/** The assistant's settings (`quantpilot.assistant.*`), read when a turn starts, so changes apply live. */
export interface AssistantSettings {
    readonly maxToolRounds: number;
    readonly temperature: number;
    readonly maxReplyTokens: number;
    readonly commandTimeoutSeconds: number;
    readonly otherExtensionTools: boolean;
}

export function readAssistantSettings(): AssistantSettings {
    const section = vscode.workspace.getConfiguration("quantpilot.assistant");
    return {
        maxToolRounds: clampInteger(section.get("maxToolRounds"), 8, 1, 50),
        temperature: clampNumber(section.get("temperature"), 0.2, 0, 2),
        maxReplyTokens: clampInteger(section.get("maxReplyTokens"), 1024, 16, 32_768),
        commandTimeoutSeconds: clampInteger(section.get("commandTimeoutSeconds"), 300, 1, 86_400),
        otherExtensionTools: section.get("otherExtensionTools") !== false
    };
}

function clampNumber(value: unknown, fallback: number, min: number, max: number): number {
    return typeof value === "number" && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

function clampInteger(value: unknown, fallback: number, min: number, max: number): number {
    return Math.round(clampNumber(value, fallback, min, max));
}
