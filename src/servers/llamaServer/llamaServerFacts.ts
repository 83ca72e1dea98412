import type {HttpOptions, ServerHttp} from "../serverHttp";
import {NO_FIGURES, parsePrometheusText, type ServerFigures} from "../serverFigures";
import {baseName, type ServerModelFacts} from "../serverModel";
import {numberField, objectField, stringField} from "../serverSuggestion";

/** Model facts from llama-server's /props (name, context, chat template caps) and /v1/models (size, parameters). */
export async function readLlamaServerFacts(http: ServerHttp, options: HttpOptions): Promise<ServerModelFacts> {
    const props = await http.getJson("/props", options);
    const settings = objectField(props, "default_generation_settings");
    const caps = objectField(props, "chat_template_caps");
    const path = stringField(props, "model_path");
    if (path == null && settings == null)
        throw new Error(`${http.label} did not answer /props like llama-server does. Is it a llama-server? (Set "kind" to "ollama" or "openai" for other servers.)`);
    const models = await http.getJson("/v1/models", options).catch(() => undefined);
    const data = models != null && typeof models === "object" ? (models as {data?: unknown}).data : undefined;
    const meta = Array.isArray(data) ? objectField(data[0], "meta") : undefined;
    return {
        name: http.endpoint.model ?? (path != null ? baseName(path) : stringField(props, "model_alias") ?? "llama-server model"),
        contextSize: numberField(settings, "n_ctx") ?? 0,
        hasFim: true,
        supportsTools: caps == null || caps.supports_tools !== false,
        ...optional("parameters", numberField(meta, "n_params")),
        ...optional("sizeBytes", numberField(meta, "size")),
        ...optional("contextLength", numberField(meta, "n_ctx_train")),
        ...optional("vocabularySize", numberField(meta, "n_vocab")),
        ...optional("quantization", fileTypeName(stringField(props, "model_ftype") ?? stringField(meta, "ftype")))
    };
}

/** "MOSTLY_Q4_K_M" or "Q4_K - Medium" → a short name; undefined when unknown. */
function fileTypeName(ftype: string | undefined): string | undefined {
    if (ftype == null || ftype === "")
        return undefined;
    return ftype.replace(/^MOSTLY_/, "");
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
    return value != null ? {[key]: value} as Record<K, V> : {};
}

/**
 * Live figures: throughput from /metrics (needs `--metrics`), KV use and busy slots from /slots
 * (on by default). Either may be off on the server; the note says which to turn on.
 */
export async function readLlamaServerFigures(http: ServerHttp, options: HttpOptions): Promise<ServerFigures> {
    const [metrics, slots] = await Promise.all([
        http.getText("/metrics", options).then(parsePrometheusText, () => undefined),
        http.getJson("/slots", options).catch(() => undefined)
    ]);
    const notes: string[] = [];
    if (metrics == null)
        notes.push("start llama-server with --metrics for throughput");
    const list = Array.isArray(slots) ? slots : undefined;
    if (list == null)
        notes.push("its /slots endpoint is off (--no-slots), so KV use is unknown");
    const sum = (key: string) => list?.reduce((total: number, slot) => total + (numberField(slot, key) ?? 0), 0) ?? null;
    return {
        ...NO_FIGURES,
        tokensPerSecond: metrics?.get("llamacpp:predicted_tokens_seconds") ?? null,
        promptTokensPerSecond: metrics?.get("llamacpp:prompt_tokens_seconds") ?? null,
        requestsWaiting: metrics?.get("llamacpp:requests_deferred") ?? null,
        kvTokens: list == null ? null : list.reduce((total: number, slot) => total + slotTokens(slot), 0),
        kvCapacity: sum("n_ctx"),
        slotsBusy: list == null ? metrics?.get("llamacpp:requests_processing") ?? null : list.filter((s) => (s as {is_processing?: unknown}).is_processing === true).length,
        slotsTotal: list?.length ?? null,
        note: notes.length > 0 ? `${notes.join("; ")}.` : null
    };
}

/** Tokens a slot holds: its prompt plus what it generated. */
function slotTokens(slot: unknown): number {
    const next = (slot as {next_token?: unknown}).next_token;
    const decoded = Array.isArray(next) ? numberField(next[0], "n_decoded") ?? 0 : 0;
    return (numberField(slot, "n_prompt_tokens") ?? 0) + decoded;
}
