import {createHash} from "node:crypto";
import type {DocumentLike} from "../src/completion/documentContext";

/**
 * A client that drives llama-server's /infill the way the llama.vscode extension does (read from its
 * source, v0.0.63, src/completion.ts and src/llama-server.ts; reimplemented here, not copied):
 *
 * - `input_prefix`: the 256 lines above the cursor line; `prompt`: the current line up to the
 *   cursor (empty when it is only indentation); `input_suffix`: the rest of the line and the 64
 *   lines below; `input_extra`: the context chunks; `cache_prompt: true`, `n_predict`,
 *   `t_max_predict_ms`, `n_indent`, samplers top_k 40 / top_p 0.99 / infill.
 * - No request when the rest of the line is longer than 8 characters (its `max_line_suffix`).
 * - A client-side result cache keyed by prefix|suffix|prompt, which also answers when the typed
 *   text continues a cached suggestion.
 *
 * Left out: its background prefetch and ring-buffer refresh requests. They could add cache hits
 * after accepts, but each holds the server's one slot while the next keystroke waits, and on a
 * slow CPU a request takes longer than the pause between keys.
 */
export class LlamaVscodeClient {
    private readonly cache = new Map<string, string[]>();

    constructor(private readonly url: string, private readonly options: {nPredict: number; tMaxPredictMs: number}) {}

    async suggest(doc: DocumentLike, line: number, character: number, chunks: readonly {text: string; filename: string}[]): Promise<ServerAnswer> {
        const lineText = doc.lineAt(line).text;
        const linePrefix = lineText.slice(0, character);
        const lineSuffix = lineText.slice(character);
        if (lineSuffix.length > 8)
            return {text: "", source: "declined"};
        const above: string[] = [];
        for (let l = Math.max(0, line - 256); l < line; l++)
            above.push(doc.lineAt(l).text);
        const below: string[] = [];
        for (let l = line + 1; l < Math.min(doc.lineCount, line + 1 + 64); l++)
            below.push(doc.lineAt(l).text);
        const onlyIndent = /^[ \t]*$/.test(linePrefix);
        const prompt = onlyIndent ? "" : linePrefix;
        const inputPrefix = above.join("\n") + "\n";
        const inputSuffix = lineSuffix + "\n" + below.join("\n") + "\n";
        const cached = this.lookup(inputPrefix, inputSuffix, prompt);
        if (cached != null)
            return {text: cached[0] ?? "", source: "cache"};
        const nIndent = lineText.length - lineText.trimStart().length;
        const response = await fetch(`${this.url}/infill`, {
            method: "POST",
            headers: {"Content-Type": "application/json"},
            body: JSON.stringify({
                id_slot: 0,
                input_prefix: inputPrefix,
                input_suffix: inputSuffix,
                input_extra: chunks,
                prompt,
                n_predict: this.options.nPredict,
                top_k: 40,
                top_p: 0.99,
                stream: false,
                samplers: ["top_k", "top_p", "infill"],
                cache_prompt: true,
                ...(nIndent > 0 ? {n_indent: nIndent} : {}),
                t_max_prompt_ms: 500,
                t_max_predict_ms: this.options.tMaxPredictMs
            })
        });
        if (!response.ok)
            throw new Error(`llama-server /infill answered ${response.status}: ${await response.text()}`);
        const data = await response.json() as {content: string; timings: {prompt_n: number; predicted_n: number}};
        const text = tidy(data.content, lineSuffix, onlyIndent ? linePrefix.length : 0);
        this.cache.set(key(inputPrefix, inputSuffix, prompt), [text]);
        return {text, source: "server", promptTokens: data.timings.prompt_n, predictedTokens: data.timings.predicted_n};
    }

    /** An exact hit, or a cached suggestion that the text typed since continues. */
    private lookup(inputPrefix: string, inputSuffix: string, prompt: string): string[] | undefined {
        const exact = this.cache.get(key(inputPrefix, inputSuffix, prompt));
        if (exact != null)
            return exact;
        for (let i = prompt.length - 1; i >= 0; i--) {
            const typed = prompt.slice(i);
            const earlier = this.cache.get(key(inputPrefix, inputSuffix, prompt.slice(0, i)));
            const rests = earlier?.filter((s) => s.startsWith(typed)).map((s) => s.slice(typed.length));
            if (rests != null && rests.length > 0)
                return rests;
        }
        return undefined;
    }
}

export interface ServerAnswer {
    readonly text: string;
    /** "declined": no request, by the extension's own rule (long rest of line). */
    readonly source: "server" | "cache" | "declined";
    readonly promptTokens?: number;
    readonly predictedTokens?: number;
}

function key(inputPrefix: string, inputSuffix: string, prompt: string): string {
    return createHash("sha256").update(`${inputPrefix}|${inputSuffix}|${prompt}`).digest("hex");
}

/** The extension's display rules, in short: no trailing blank lines, one line when mid-line. */
function tidy(content: string, lineSuffix: string, indentToDrop: number): string {
    const lines = content.split(/\r?\n/);
    while (lines.length > 0 && lines[lines.length - 1]!.trim() === "")
        lines.pop();
    if (lines.length === 0 || (lines.length === 1 && lines[0] === lineSuffix))
        return "";
    let text = lines.join("\n");
    if (lineSuffix.trim() !== "")
        text = lines[0]!.endsWith(lineSuffix) ? lines[0]!.slice(0, -lineSuffix.length) : lines[0]!;
    const leading = /^[ \t]*/.exec(text)![0].length;
    return text.slice(Math.min(leading, indentToDrop));
}
