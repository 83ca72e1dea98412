import {createHash} from "node:crypto";
import {buildFimPrompt} from "../../completion/fimPrompt";
import type {FimItem} from "../stats/fimTask";
import type {ReferenceCache} from "./referenceCache";
import type {ScoringModel} from "./scoringModel";

/** One prompt both models answer; scoring happens afterwards, on the answers. */
export interface TaskItem {
    readonly kind: "fim" | "safety";
    readonly id: string;
    /** Identifies the prompt's text and settings, for the reference cache. */
    readonly key: string;
    readonly maxTokens: number;
    readonly stopAtLine: boolean;
    prompt(model: ScoringModel): Promise<number[]>;
}

/** Tokens of the text around a held-out line the FIM prompt keeps (as the editor's completions trim it). */
export const FIM_PREFIX_TOKENS = 256;
export const FIM_SUFFIX_TOKENS = 64;
/** A held-out line is at most 120 characters; byte-level vocabularies can spend a token per character. */
export const FIM_MAX_TOKENS = 48;
export const SAFETY_MAX_TOKENS = 40;

export function fimTaskItem(item: FimItem): TaskItem {
    return {
        kind: "fim",
        id: item.id,
        key: `fim:${item.id}:${FIM_PREFIX_TOKENS}:${FIM_SUFFIX_TOKENS}:${FIM_MAX_TOKENS}:${hash(item.prefix + "\u0000" + item.suffix)}`,
        maxTokens: FIM_MAX_TOKENS,
        stopAtLine: true,
        prompt: async (model) => {
            const fim = model.fim!;
            const prefix = model.tokenize(item.prefix).slice(-FIM_PREFIX_TOKENS);
            const suffix = model.tokenize(item.suffix).slice(0, FIM_SUFFIX_TOKENS);
            const bos = model.bos;
            return buildFimPrompt({context: [], stable: prefix, volatile: [], suffix}, {...fim, ...(bos != null ? {bos} : {})}, "psm").tokens;
        }
    };
}

export function safetyTaskItem(id: string, prompt: string): TaskItem {
    return {
        kind: "safety",
        id,
        key: `safety:${id}:${SAFETY_MAX_TOKENS}:${hash(prompt)}`,
        maxTokens: SAFETY_MAX_TOKENS,
        stopAtLine: false,
        prompt: (model) => model.chatPrompt(prompt)
    };
}

export interface AnswerOptions {
    readonly cache?: ReferenceCache;
    /** Seconds after which no more items are taken (cached ones count with their recorded time). */
    readonly seconds?: number;
    /** Items always taken, whatever the budget. */
    readonly minItems: number;
    readonly signal?: AbortSignal;
    readonly onItem?: (done: number, total: number) => void;
}

/** Greedy answers to `items` in order, stopping early only when a budget runs out. */
export async function answerItems(
    model: () => Promise<ScoringModel>,
    items: readonly TaskItem[],
    options: AnswerOptions
): Promise<string[]> {
    const answers: string[] = [];
    let spent = 0;
    for (const item of items) {
        if (answers.length >= options.minItems && options.seconds != null && spent >= options.seconds)
            break;
        options.signal?.throwIfAborted();
        const cached = await options.cache?.getAnswer(item.key);
        if (cached != null) {
            answers.push(cached.text);
            spent += cached.seconds;
        } else {
            const started = performance.now();
            const loaded = await model();
            const generation = await loaded.generate(await item.prompt(loaded), {
                maxTokens: item.maxTokens, stopAtLine: item.stopAtLine, ...(options.signal != null ? {signal: options.signal} : {})
            });
            const seconds = (performance.now() - started) / 1000;
            spent += seconds;
            answers.push(generation.text);
            await options.cache?.putAnswer(item.key, {text: generation.text, seconds});
        }
        options.onItem?.(answers.length, items.length);
    }
    await options.cache?.flush();
    return answers;
}

function hash(text: string): string {
    return createHash("sha256").update(text).digest("hex").slice(0, 16);
}
