import {buildCompletionPrompt, type ContextChunk, type PromptBudget} from "../../completion/promptTokens";
import {splitCursorText} from "../../completion/cursorText";
import {extraContextFigure, type ExtraContextFigure, type ExtraContextRow} from "../stats/extraContext";
import type {AbSession} from "./abSession";
import {scoreFimCompletion, type FimItem, type FimSource} from "../stats/fimTask";
import type {ScoringModel} from "./scoringModel";
import {FIM_MAX_TOKENS, FIM_PREFIX_TOKENS, FIM_SUFFIX_TOKENS} from "./taskPhase";

/** Lines per extra-context chunk: what the editor's context ring would hold of a visited range, kept small so several fit. */
export const CHUNK_LINES = 32;
/** The editor's default extra-context budget (quantpilot.completions.maxContextTokens). */
export const EXTRA_CONTEXT_TOKENS = 1024;
/** Context for the prompt with extra context: prefix, suffix, extra chunks and the answer, with room to spare. */
const EXTRA_CONTEXT_SEQUENCE = 2048;
/** Lines above the cursor the prompt surely shows (its prefix budget): the same file's chunk ends above them. */
const SHOWN_LINES = 40;

/**
 * What the editor's context ring would offer for a held-out line, oldest first: a range of each
 * other code file (the middle, as the ring cuts long ranges), then the part of the same file just
 * above what the prompt shows. Never the held-out line itself: that is not in the prefix.
 */
export function extraContextChunks(item: FimItem, sources: readonly FimSource[]): ContextChunk[] {
    const fileName = fileOf(item);
    const chunks: ContextChunk[] = [];
    for (const source of sources) {
        if (source.name === fileName)
            continue;
        const lines = source.text.split("\n");
        const from = Math.max(0, Math.floor((lines.length - CHUNK_LINES) / 2));
        chunks.push({fileName: source.name, text: lines.slice(from, from + CHUNK_LINES).join("\n")});
    }
    const above = item.prefix.split("\n").slice(0, -SHOWN_LINES);
    if (above.length > 0)
        chunks.push({fileName, text: above.slice(-CHUNK_LINES).join("\n")});
    return chunks;
}

/** "a/b.ts:12" → "a/b.ts". */
function fileOf(item: FimItem): string {
    const colon = item.id.lastIndexOf(":");
    return colon > 0 ? item.id.slice(0, colon) : item.id;
}

/** Whether a model can take extra context: repo-level FIM tokens (`<|repo_name|>`, `<|file_sep|>`). */
export function takesExtraContext(model: ScoringModel): boolean {
    return model.fim != null && model.facts.fim?.repoName != null && model.facts.fim.fileSep != null;
}

/**
 * The same model on the same held-out lines in two prompt layouts: the editor's repo-level
 * prompt without extra chunks, and with the chunks the context ring would offer (within the
 * default budget). The order alternates per line so drift in the machine's speed falls on both.
 */
export async function measureExtraContext(
    model: ScoringModel, items: readonly FimItem[], sources: readonly FimSource[],
    options: {
        readonly contextTokens?: number;
        /** Position of `items[0]` in a longer run measured a few lines at a time, so the order keeps alternating. Default: 0. */
        readonly firstIndex?: number;
        readonly signal?: AbortSignal;
        readonly onItem?: (done: number, total: number) => void;
    } = {}
): Promise<ExtraContextRow[]> {
    const fim = model.fim!;
    const file = model.facts.fim!;
    const vocabulary = {...fim, repoName: file.repoName!, fileSep: file.fileSep!, ...(model.bos != null ? {bos: model.bos} : {})};
    const tokenizer = {tokenize: (text: string) => model.tokenize(text)};
    const rows: ExtraContextRow[] = [];
    for (const [i, item] of items.entries()) {
        const text = splitCursorText(item.prefix, item.suffix);
        const fileName = fileOf(item);
        const prompt = (contextTokens: number) => {
            const budget: PromptBudget = {maxPrefixTokens: FIM_PREFIX_TOKENS, maxSuffixTokens: FIM_SUFFIX_TOKENS, maxContextTokens: contextTokens};
            return buildCompletionPrompt({text, fileName, chunks: contextTokens > 0 ? extraContextChunks(item, sources) : []}, vocabulary, tokenizer, budget, "psm");
        };
        const without = prompt(0);
        const withContext = prompt(options.contextTokens ?? EXTRA_CONTEXT_TOKENS);
        const answer = async (tokens: readonly number[]) => {
            const started = performance.now();
            const generation = await model.generate(tokens, {maxTokens: FIM_MAX_TOKENS, stopAtLine: true, ...(options.signal != null ? {signal: options.signal} : {})});
            return {exact: scoreFimCompletion(generation.text, item.expected).exact, seconds: (performance.now() - started) / 1000};
        };
        const withoutFirst = (i + (options.firstIndex ?? 0)) % 2 === 0;
        const first = withoutFirst ? await answer(without.tokens) : await answer(withContext.tokens);
        const second = withoutFirst ? await answer(withContext.tokens) : await answer(without.tokens);
        const [a, b] = withoutFirst ? [first, second] : [second, first];
        rows.push({
            id: item.id, exactWithout: a.exact, exactWith: b.exact,
            promptTokensWithout: without.tokens.length, promptTokensWith: withContext.tokens.length, extraTokens: withContext.counts.chunks,
            secondsWithout: a.seconds, secondsWith: b.seconds
        });
        options.onItem?.(i + 1, items.length);
    }
    return rows;
}

/**
 * The reference on the FIM task's first `count` lines with and without extra context, or why not;
 * undefined when not asked for. The model is loaded for this alone and freed afterwards.
 */
export async function extraContextWork(session: AbSession, items: readonly FimItem[], count: number): Promise<ExtraContextFigure | string | undefined> {
    if (count <= 0)
        return undefined;
    if (!session.metrics.includes("tasks") || items.length === 0)
        return "it needs the FIM task (metrics: tasks, and a model with fill-in-the-middle tokens)";
    const fim = session.reference.facts.fim;
    if (fim?.repoName == null || fim.fileSep == null)
        return "the reference has no repo-level FIM tokens (<|repo_name|>, <|file_sep|>), so it takes no extra context";
    const sources = session.texts.filter((t) => t.kind === "code").map((t) => ({name: t.name, text: t.text}));
    const model = await session.load(session.reference, EXTRA_CONTEXT_SEQUENCE);
    try {
        const rows = await measureExtraContext(model, items.slice(0, count), sources, {
            ...(session.settings.signal != null ? {signal: session.settings.signal} : {}),
            onItem: (done, total) => session.progress.step("tasks", 0, done, total, `Reference: FIM line ${done} of ${total} with and without extra context`)
        });
        return extraContextFigure(rows, session.settings.seed);
    } finally {
        await model.dispose();
    }
}
