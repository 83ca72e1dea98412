import type {Config} from "../config";

/** The assistant's settings (`quantpilot.assistant.*`), read when a turn starts, so changes apply live. */
export interface AssistantSettings {
    readonly maxToolRounds: number;
    readonly temperature: number;
    readonly maxReplyTokens: number;
    readonly commandTimeoutSeconds: number;
    readonly otherExtensionTools: boolean;
}

export function readAssistantSettings(config: Config): AssistantSettings {
    return {
        maxToolRounds: config.get("assistant.maxToolRounds"),
        temperature: config.get("assistant.temperature"),
        maxReplyTokens: config.get("assistant.maxReplyTokens"),
        commandTimeoutSeconds: config.get("assistant.commandTimeoutSeconds"),
        otherExtensionTools: config.get("assistant.otherExtensionTools")
    };
}
