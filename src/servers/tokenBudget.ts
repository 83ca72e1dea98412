import {LRUCache} from "lru-cache";
import type {ContextChunk, PromptBudget} from "../completion/promptTokens";
import type {PromptParts} from "../engine/promptParts";

/** Counts a text's tokens the way the server's model does. */
export type TokenCounter = (text: string, signal?: AbortSignal) => Promise<number>;

/**
 * The in-process prompt budgets (`quantpilot.completions.max*Tokens`) applied to text sent to a
 * server, with token counts from the server's own tokenizer. Counts are remembered per text: the
 * stable prefix, the suffix and the context chunks rarely change between keystrokes, so a
 * keystroke costs no tokenize request, and the same text always trims the same way, which keeps
 * the server's prompt cache warm.
 */
export class TokenBudget {
    private readonly counts = new LRUCache<string, number>({max: 512});

    constructor(private readonly count: TokenCounter) {}

    async tokens(text: string, signal?: AbortSignal): Promise<number> {
        if (text === "")
            return 0;
        const known = this.counts.get(text);
        if (known != null)
            return known;
        const counted = await this.count(text, signal);
        this.counts.set(text, counted);
        return counted;
    }

    /** The last whole lines of `text` within `budget` tokens (the lines nearest the cursor). */
    lastLines(text: string, budget: number, signal?: AbortSignal): Promise<string> {
        return this.keepLines(text, budget, "end", signal);
    }

    /** The first whole lines of `text` within `budget` tokens. */
    firstLines(text: string, budget: number, signal?: AbortSignal): Promise<string> {
        return this.keepLines(text, budget, "start", signal);
    }

    /** Newest chunks first while they fit; the result keeps their order (oldest first). */
    async chunks(chunks: readonly ContextChunk[], budget: number, signal?: AbortSignal): Promise<ContextChunk[]> {
        let left = budget;
        const kept: ContextChunk[] = [];
        for (let i = chunks.length - 1; i >= 0; i--) {
            const chunk = chunks[i]!;
            const cost = await this.tokens(`${chunk.fileName}\n${chunk.text}`, signal) + 1;
            if (cost > left)
                continue;
            left -= cost;
            kept.unshift(chunk);
        }
        return kept;
    }

    async trim(parts: {stable: string; suffix: string; chunks: readonly ContextChunk[]}, budget: PromptBudget, signal?: AbortSignal) {
        return {
            stable: await this.lastLines(parts.stable, budget.maxPrefixTokens, signal),
            suffix: await this.firstLines(parts.suffix, budget.maxSuffixTokens, signal),
            chunks: await this.chunks(parts.chunks, budget.maxContextTokens, signal)
        };
    }

    /**
     * The trimmed parts' sizes by the server's own tokenizer (counts are remembered, so only the
     * lines typed since the anchor usually cost a request). The server adds its FIM tokens and
     * file headers, which it does not report: those are not counted.
     */
    async parts(
        trimmed: {stable: string; suffix: string; chunks: readonly ContextChunk[]}, volatile: string, budget: PromptBudget, signal?: AbortSignal
    ): Promise<PromptParts> {
        const [stable, typed, suffix, ...chunks] = await Promise.all([
            this.tokens(trimmed.stable, signal), this.tokens(volatile, signal), this.tokens(trimmed.suffix, signal),
            ...trimmed.chunks.map((c) => this.tokens(`${c.fileName}\n${c.text}`, signal))
        ]);
        return {
            tokens: {prefix: stable! + typed!, suffix: suffix!, extraContext: chunks.reduce((sum, n) => sum + n, 0)},
            caps: {prefix: budget.maxPrefixTokens, suffix: budget.maxSuffixTokens, extraContext: budget.maxContextTokens},
            countedBy: "server"
        };
    }

    /** Cuts whole lines in proportion to the excess and checks again (a few rounds at most). */
    private async keepLines(text: string, budget: number, side: "start" | "end", signal?: AbortSignal): Promise<string> {
        let kept = text;
        for (let round = 0; round < 6; round++) {
            const tokens = await this.tokens(kept, signal);
            if (tokens <= budget)
                return kept;
            const lines = kept.split(/(?<=\n)/);
            const keep = Math.min(lines.length - 1, Math.floor((lines.length * budget) / tokens));
            if (keep <= 0)
                return "";
            kept = side === "end" ? lines.slice(lines.length - keep).join("") : lines.slice(0, keep).join("");
        }
        return "";
    }
}
