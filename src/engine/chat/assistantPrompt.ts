/** What the system prompt tells the model about where it runs. */
export interface AssistantPromptContext {
    /** Names of the workspace folders; empty when none is open. */
    readonly folders: readonly string[];
    /** Whether tools are offered in this chat, and if not, why (shown to the model). */
    readonly tools: {readonly available: true} | {readonly available: false; readonly reason: string};
}

/**
 * The assistant's system prompt. Short on purpose: small local models follow short, concrete
 * instructions better, and every token here is paid on each turn.
 */
export function assistantSystemPrompt(context: AssistantPromptContext): string {
    const lines = [
        "You are QuantPilot, a coding assistant inside VS Code. You run offline on a local model.",
        "Answer concisely. Use Markdown; put code in fenced code blocks with a language tag."
    ];
    if (context.folders.length === 0)
        lines.push("No folder is open in VS Code.");
    else
        lines.push(`The open workspace folder${context.folders.length > 1 ? "s are" : " is"} ${context.folders.map((f) => `"${f}"`).join(", ")}. ` +
            "File paths are relative to it.");
    if (context.tools.available)
        lines.push(
            "Use the tools to look at files before answering questions about them; do not guess file contents.",
            // Small models otherwise follow the code-block rule above for calls too: Qwen2.5-Coder
            // 0.5B and 1.5B wrote every call of the tools-eval as a ```json block, which calls nothing.
            "Call a tool in the tool-call format of the tool instructions, never inside a code block: a call in a code block does nothing.",
            "Changes you make with createFile and editFile, and commands you run, are shown to the user, who accepts or rejects them."
        );
    else
        lines.push(`You have no tools in this chat (${context.tools.reason}). If a request needs files or commands, say so and ask the user to paste what is needed.`);
    return lines.join("\n");
}
