import type {FimAnswer} from "./fimScore";
import type {FimTask} from "./fimTasks";

/**
 * llama-server's /infill with the request laid out as llama.vscode lays it out (see
 * bench/llamaVscodeClient.ts): the lines above as `input_prefix`, the cursor's line as `prompt`
 * (empty when it is only indentation, which is then dropped from the answer), its indentation
 * as `n_indent`, the rest below as `input_suffix`. Decoding is greedy, as QuantPilot's is, so both sides
 * give the model's own most likely text and the comparison is of the pipelines, not of luck.
 */
export async function infill(url: string, task: FimTask, nPredict: number): Promise<FimAnswer> {
    const cut = task.prefix.lastIndexOf("\n");
    const inputPrefix = task.prefix.slice(0, cut + 1);
    const linePrefix = task.prefix.slice(cut + 1);
    const onlyIndent = /^[ \t]*$/.test(linePrefix);
    const indent = /^[ \t]*/.exec(linePrefix)![0].length;
    const startedAt = performance.now();
    const response = await fetch(`${url}/infill`, {
        method: "POST",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify({
            input_prefix: inputPrefix,
            input_suffix: task.suffix.startsWith("\n") ? task.suffix : "\n" + task.suffix,
            input_extra: [],
            prompt: onlyIndent ? "" : linePrefix,
            n_predict: nPredict,
            samplers: ["top_k"],
            top_k: 1,
            stream: false,
            cache_prompt: true,
            ...(indent > 0 ? {n_indent: indent} : {})
        })
    });
    if (!response.ok)
        throw new Error(`llama-server /infill answered ${response.status}: ${await response.text()}`);
    const data = await response.json() as {content: string; stop_type?: string; timings?: {prompt_n: number; prompt_ms: number; predicted_n: number; predicted_ms: number}};
    const latencyMs = performance.now() - startedAt;
    const t = data.timings;
    return {
        text: tidy(data.content, onlyIndent ? linePrefix.length : 0), latencyMs,
        ...(t != null ? {work: {promptTokens: t.prompt_n, promptMs: t.prompt_ms, generatedTokens: t.predicted_n, generationMs: t.predicted_ms, stop: data.stop_type ?? "?"}} : {})
    };
}

/** llama.vscode's display rules for a cursor at the end of its line: no trailing blank lines, the typed indentation dropped. */
function tidy(content: string, indentToDrop: number): string {
    const lines = content.split(/\r?\n/);
    while (lines.length > 0 && lines.at(-1)!.trim() === "")
        lines.pop();
    const text = lines.join("\n");
    const leading = /^[ \t]*/.exec(text)![0].length;
    return text.slice(Math.min(leading, indentToDrop));
}
