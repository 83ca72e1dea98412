import type {CompletionRequest} from "../../completion/completionRequest";
import type {FimProtocol} from "../serverCompleter";
import {ServerHttpError} from "../serverErrors";
import type {HttpOptions, ServerHttp, StreamItem} from "../serverHttp";
import type {ServerModelFacts} from "../serverModel";
import {numberField, objectField, stringField, type ServerPlan, type SuggestionPart} from "../serverSuggestion";

const DEFAULT_MAX_TOKENS = 64;

/**
 * Ollama's fill-in-the-middle: `/api/generate` with `suffix`, which Ollama lays out with the
 * model's own template (models whose template has no suffix slot answer "does not support insert").
 * Streams one JSON object per line; the last has `done: true` and the prompt figures.
 */
export const OLLAMA_FIM: FimProtocol = {
    path: "/api/generate",
    format: "ndjson",
    body(request: CompletionRequest, plan: ServerPlan, model: string) {
        return {
            model,
            prompt: plan.text.stable + plan.text.volatile,
            suffix: plan.text.suffix,
            stream: true,
            options: {num_predict: request.maxTokens ?? DEFAULT_MAX_TOKENS, temperature: 0, top_k: 1}
        };
    },
    parts: ollamaParts,
    notCapable(err, model) {
        if (err instanceof ServerHttpError && /does not support (insert|fill|suffix)|suffix.*not supported/i.test(err.message))
            return `${model} has no fill-in-the-middle template in Ollama ("does not support insert"). Pull a code model that has one, for example qwen2.5-coder.`;
        return undefined;
    },
    facts: readOllamaFacts
};

async function* ollamaParts(items: AsyncIterable<StreamItem>): AsyncGenerator<SuggestionPart> {
    for await (const item of items) {
        if (item.kind !== "data")
            continue;
        const done = (item.value as {done?: unknown}).done === true;
        const evalCount = numberField(item.value, "eval_count");
        const evalNs = numberField(item.value, "eval_duration");
        yield {
            text: stringField(item.value, "response") ?? "",
            ...(done ? {
                finish: stringField(item.value, "done_reason") === "length" ? "length" : "eog",
                stats: {
                    // Ollama counts the prompt tokens it evaluated; what its cache held is not reported.
                    promptTokensEvaluated: numberField(item.value, "prompt_eval_count") ?? 0,
                    ...(evalCount != null ? {tokens: evalCount} : {}),
                    ...(evalCount != null && evalNs != null && evalNs > 0 ? {tokensPerSecond: evalCount / (evalNs / 1e9)} : {})
                }
            } as const : {})
        };
    }
}

/** /api/show: whether the model has a suffix template ("insert") and tools, and its context length. */
export async function readOllamaFacts(http: ServerHttp, options: HttpOptions): Promise<ServerModelFacts> {
    const model = http.endpoint.model ?? "";
    const show = await http.postJson("/api/show", {model}, options);
    const capabilities = (show as {capabilities?: unknown}).capabilities;
    const list = Array.isArray(capabilities) ? capabilities.filter((c): c is string => typeof c === "string") : undefined;
    const info = objectField(show, "model_info");
    const architecture = stringField(info, "general.architecture");
    const details = objectField(show, "details");
    const contextLength = architecture != null ? numberField(info, `${architecture}.context_length`) : undefined;
    const parameters = numberField(info, "general.parameter_count");
    const quantization = stringField(details, "quantization_level");
    return {
        name: model,
        contextSize: contextLength ?? 0,
        // Older Ollama versions list no capabilities: then the first request finds out.
        hasFim: list == null || list.includes("insert"),
        supportsTools: list == null || list.includes("tools"),
        ...(contextLength != null ? {contextLength} : {}),
        ...(parameters != null ? {parameters} : {}),
        ...(quantization != null ? {quantization} : {})
    };
}
