import type {ModelDescription} from "../engine/modelDescription";
import {kindLabel, type ServerEndpoint} from "./serverEndpoint";

/** What a server tells about its model (llama-server's /props and /v1/models, Ollama's /api/show). */
export interface ServerModelFacts {
    /** The model's name as the server knows it (a file name for llama-server, a tag for Ollama). */
    readonly name: string;
    /** Tokens of context a request may use; 0 when the server does not say. */
    readonly contextSize: number;
    /** Can complete code at the cursor (fill-in-the-middle); true until the server says otherwise. */
    readonly hasFim: boolean;
    readonly supportsTools: boolean;
    readonly parameters?: number;
    readonly sizeBytes?: number;
    /** "Q4_K_M" and the like, when the server says. */
    readonly quantization?: string;
    readonly contextLength?: number;
    readonly vocabularySize?: number;
}

/** A server's model as the completion pipeline sees it; `path` is unique per server and model, so caches never mix answers. */
export function serverModelDescription(endpoint: ServerEndpoint, facts: ServerModelFacts): ModelDescription {
    const parameters = facts.parameters ?? 0;
    const sizeBytes = facts.sizeBytes ?? 0;
    return {
        path: `${endpoint.url}#${facts.name}`,
        fileName: facts.name,
        name: facts.name,
        architecture: kindLabel(endpoint.kind),
        parameters,
        fileTypeId: undefined,
        fileType: facts.quantization,
        sizeBytes,
        bitsPerWeight: parameters > 0 ? (8 * sizeBytes) / parameters : 0,
        contextLength: facts.contextLength,
        vocabularySize: facts.vocabularySize,
        fim: undefined,
        chatTemplate: undefined,
        templateSupportsTools: facts.supportsTools,
        contextSize: facts.contextSize,
        hasFim: facts.hasFim,
        supportsTools: facts.supportsTools,
        chatWrapper: kindLabel(endpoint.kind),
        runtime: {gpu: false, gpuLayers: 0, threads: 0, build: kindLabel(endpoint.kind)},
        loadMs: 0
    };
}

/** Before the server has answered: the endpoint's model name, assumed able to do both jobs. */
export function assumedFacts(endpoint: ServerEndpoint): ServerModelFacts {
    return {name: endpoint.model ?? `${endpoint.name} model`, contextSize: 0, hasFim: true, supportsTools: true};
}

/** The file name in a path that may use either separator. */
export function baseName(path: string): string {
    return path.split(/[\\/]/).pop() ?? path;
}
