import type {ModelDescription} from "../engine/modelDescription";

/** What VS Code's model list shows about a model (its `LanguageModelChatInformation`), as plain data. */
export interface LmModelInfo {
    readonly id: string;
    readonly name: string;
    readonly family: string;
    readonly version: string;
    readonly maxInputTokens: number;
    readonly maxOutputTokens: number;
    readonly tooltip: string;
    readonly detail: string;
    readonly capabilities: {readonly imageInput: boolean; readonly toolCalling: boolean};
}

/**
 * The loaded model as other extensions see it. The id is the file name, so a switch to another
 * quantization is another model to callers that hold one; the context is shared by the prompt
 * and the reply, so the input gets what the longest reply leaves.
 */
export function lmModelInfo(model: ModelDescription, maxReplyTokens: number): LmModelInfo {
    const maxOutputTokens = Math.max(1, Math.min(maxReplyTokens, Math.floor(model.contextSize / 2)));
    const quantization = model.fileType ?? `${model.bitsPerWeight.toFixed(2)} bits/weight`;
    const where = model.runtime.gpu === false ? "CPU" : `${model.runtime.gpu}, ${model.runtime.gpuLayers} layers on the GPU`;
    return {
        id: model.fileName,
        // The editor's model picker shows the vendor (QuantPilot) next to it.
        name: model.name ?? model.fileName.replace(/\.gguf$/i, ""),
        family: model.architecture,
        version: quantization,
        maxInputTokens: model.contextSize - maxOutputTokens,
        maxOutputTokens,
        tooltip: `${model.fileName}: ${quantization}, ${model.bitsPerWeight.toFixed(2)} bits/weight, context ${model.contextSize} tokens, ` +
            `${where}; tools ${model.supportsTools ? "yes" : "no"} (${model.chatWrapper} chat format). Runs in this editor, offline.`,
        detail: quantization,
        capabilities: {imageInput: false, toolCalling: model.supportsTools}
    };
}
