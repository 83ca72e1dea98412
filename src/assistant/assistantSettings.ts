import type {Config} from "../config";

/** The assistant's settings (`quantpilot.assistant.*`), read when a turn starts, so changes apply live. */
export interface AssistantSettings {
    readonly maxToolRounds: number;
    readonly temperature: number;
    readonly maxReplyTokens: number;
    /** 0: derived from the context size (see ToolChatOptions). */
    readonly promptBudgetTokens: number;
    readonly commandTimeoutSeconds: number;
    readonly otherExtensionTools: boolean;
}

export function readAssistantSettings(config: Config): AssistantSettings {
    return {
        maxToolRounds: config.get("assistant.maxToolRounds"),
        temperature: config.get("assistant.temperature"),
        maxReplyTokens: config.get("assistant.maxReplyTokens"),
        promptBudgetTokens: config.get("assistant.promptBudgetTokens"),
        commandTimeoutSeconds: config.get("assistant.commandTimeoutSeconds"),
        otherExtensionTools: config.get("assistant.otherExtensionTools")
    };
}
