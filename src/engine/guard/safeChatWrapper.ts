import type {ChatWrapper, LlamaModel} from "node-llama-cpp";
import {loadNodeLlamaCpp} from "../nodeLlamaCpp";

/**
 * The chat wrapper for a guarded model: node-llama-cpp's choice (which renders the template),
 * or its plain General format when the guard found the template unsafe to render.
 */
export async function chatWrapperFor(model: LlamaModel, facts: {readonly chatTemplateNotice?: string}): Promise<ChatWrapper> {
    const {GeneralChatWrapper, resolveChatWrapper} = await loadNodeLlamaCpp();
    return facts.chatTemplateNotice != null ? new GeneralChatWrapper() : resolveChatWrapper(model);
}
