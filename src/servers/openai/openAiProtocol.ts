import type {CompletionRequest} from "../../completion/completionRequest";
import type {FimProtocol} from "../serverCompleter";
import {ServerHttpError} from "../serverErrors";
import type {HttpOptions, ServerHttp, StreamItem} from "../serverHttp";
import type {ServerModelFacts} from "../serverModel";
import {numberField, objectField, stringField, type ServerPlan, type SuggestionPart} from "../serverSuggestion";

const DEFAULT_MAX_TOKENS = 64;

/**
 * Fill-in-the-middle on an OpenAI-compatible server: the legacy `/completions` with `suffix`.
 * Servers without it (404) or that refuse `suffix` (400/422 naming it, 501) turn completions off
 * with that reason; the chat still works. The URL is the API base, `/v1` included.
 */
export const OPENAI_FIM: FimProtocol = {
    path: "/completions",
    format: "sse",
    body(request: CompletionRequest, plan: ServerPlan, model: string) {
        return {
            model,
            prompt: plan.text.stable + plan.text.volatile,
            suffix: plan.text.suffix,
            max_tokens: request.maxTokens ?? DEFAULT_MAX_TOKENS,
            temperature: 0,
            stream: true,
            stream_options: {include_usage: true}
        };
    },
    parts: openAiCompletionParts,
    notCapable(err, model) {
        if (!(err instanceof ServerHttpError))
            return undefined;
        if (err.status === 404 && !/model/i.test(err.message))
            return "it has no /completions endpoint (404), only chat, so it cannot complete code at the cursor";
        if (err.status === 501 || ([400, 422].includes(err.status) && /suffix|insert|fill.in/i.test(err.message)))
            return `it does not complete with a suffix for ${model} (${err.status}), so it cannot complete code at the cursor`;
        return undefined;
    },
    facts: readOpenAiFacts
};

async function* openAiCompletionParts(items: AsyncIterable<StreamItem>): AsyncGenerator<SuggestionPart> {
    let finish: "eog" | "length" | undefined;
    for await (const item of items) {
        if (item.kind === "done") {
            yield {text: "", finish: finish ?? "eog"};
            return;
        }
        const choices = (item.value as {choices?: unknown}).choices;
        const choice = Array.isArray(choices) ? choices[0] : undefined;
        const reason = stringField(choice, "finish_reason");
        if (reason != null)
            finish = reason === "length" ? "length" : "eog";
        const usage = objectField(item.value, "usage");
        yield {text: stringField(choice, "text") ?? "", ...(usage != null ? {stats: usageStats(usage)} : {})};
    }
}

/** OpenAI's usage: prompt tokens, of which `prompt_tokens_details.cached_tokens` came from the server's cache. */
export function usageStats(usage: Record<string, unknown>): {promptTokensEvaluated: number; promptTokensReused: number; tokens?: number} {
    const prompt = numberField(usage, "prompt_tokens") ?? 0;
    const cached = numberField(objectField(usage, "prompt_tokens_details"), "cached_tokens") ?? 0;
    const tokens = numberField(usage, "completion_tokens");
    return {promptTokensEvaluated: Math.max(0, prompt - cached), promptTokensReused: cached, ...(tokens != null ? {tokens} : {})};
}

/** GET /models: the server answers (with this key) and lists the model; tools are assumed, FIM found out by the first request. */
export async function readOpenAiFacts(http: ServerHttp, options: HttpOptions): Promise<ServerModelFacts> {
    const model = http.endpoint.model ?? "";
    const list = await http.getJson("/models", options);
    const data = (list as {data?: unknown}).data;
    if (!Array.isArray(data))
        throw new ServerHttpError(http.label, 200, "/models", "the answer has no model list; is the URL the API base (ending in /v1)?");
    const entry = data.find((m) => stringField(m, "id") === model);
    if (entry == null && data.length > 0)
        throw new ServerHttpError(http.label, 404, "/models", `it does not list the model "${model}" (it has ${data.slice(0, 5).map((m) => stringField(m, "id")).join(", ")})`);
    const contextLength = numberField(entry, "max_model_len") ?? numberField(entry, "context_length");
    return {name: model, contextSize: contextLength ?? 0, hasFim: true, supportsTools: true, ...(contextLength != null ? {contextLength} : {})};
}
