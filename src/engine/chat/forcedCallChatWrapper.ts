import type {ChatWrapper, ChatWrapperGenerateContextStateOptions, ChatWrapperGeneratedContextState} from "node-llama-cpp";
import {loadNodeLlamaCpp} from "../nodeLlamaCpp";

/**
 * The model's own chat wrapper, except that a reply that has not started yet starts with the
 * function-call prefix: the model must call one of the functions, and picks which one and its
 * arguments under the grammar. Used to score function and argument choice on its own (the
 * `tools-eval --forced` mode) and to test that every call matches its schema.
 */
export async function forcedCallChatWrapper(wrapper: ChatWrapper): Promise<ChatWrapper> {
    const {LlamaText} = await loadNodeLlamaCpp();
    const forced = Object.create(wrapper) as ChatWrapper;
    forced.generateContextState = (options: ChatWrapperGenerateContextStateOptions): ChatWrapperGeneratedContextState => {
        const state = wrapper.generateContextState(options);
        const last = options.chatHistory[options.chatHistory.length - 1];
        const replyNotStarted = last?.type === "model" && last.response.length === 0;
        if (!replyNotStarted || options.availableFunctions == null || Object.keys(options.availableFunctions).length === 0)
            return state;
        return {
            contextText: state.contextText,
            stopGenerationTriggers: state.stopGenerationTriggers,
            noPrefixTrigger: {type: "functionCall", inject: LlamaText([])},
            detectFunctionCalls: true
        };
    };
    return forced;
}
