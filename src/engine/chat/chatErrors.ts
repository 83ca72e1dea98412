/**
 * What the user reads when a reply fails for a reason other than a tool (tool errors go back to
 * the model): the context is too small, node-llama-cpp could not read a call the model made, or
 * something else, with its message.
 */
export function describeChatError(err: unknown, contextSize: number): string {
    const message = err instanceof Error ? err.message : String(err);
    // node-llama-cpp's LlamaFunctionCallValidationError is not exported; it carries the call's text.
    if ((err as {callText?: unknown} | null)?.callText != null)
        return `The model made a tool call that could not be read (${message}). Try asking again.`;
    if (/context size|context shift|(does not|doesn't) fit/i.test(message))
        return `The conversation and the tool descriptions do not fit in the model's context (${contextSize} tokens). ` +
            "Start a new chat, or raise the quantpilot.contextSize setting.";
    return `The model stopped with an error: ${message}`;
}
