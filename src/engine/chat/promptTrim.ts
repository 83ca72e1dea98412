import type {ChatTurn} from "./chatTranscript";

/** What a turn's prompt costs, part by part, before anything is left out. */
export interface PromptCosts {
    /** The system prompt. */
    readonly system: number;
    /** Each turn of the conversation, in order (`ChatTurn`s of the transcript). */
    readonly turns: readonly number[];
    /** Each tool offered, in the order offered: its description's tokens. */
    readonly tools: readonly {readonly name: string; readonly tokens: number; readonly optional: boolean}[];
    /** What offering any tool adds beyond the tools' own descriptions (the template's tool preamble). */
    readonly toolsOverhead?: number;
}

/** What to send: the turns from `firstTurn` on and the tools in `tools`. */
export interface TrimPlan {
    readonly firstTurn: number;
    /** Turns left out (the ones before `firstTurn`). */
    readonly droppedTurns: number;
    /** Names of the tools still offered, in their order. */
    readonly tools: readonly string[];
    readonly droppedTools: readonly string[];
    /** Estimated tokens of what is sent. */
    readonly total: number;
    /** False when even the system prompt and the latest message alone are over the budget. */
    readonly fits: boolean;
}

/**
 * Fits a turn's prompt in `budget` tokens: the system prompt and the latest user turn (with what
 * follows it, such as tool results the model continues from) are always kept; the oldest exchanges
 * go first, each a user turn with the replies after it, so a tool call never loses its result and
 * no reply is left without its question; then tool descriptions go, the least recently used first.
 * The stored conversation is not touched: this only decides what is sent.
 */
export function trimToBudget(turns: readonly ChatTurn[], costs: PromptCosts, budget: number): TrimPlan {
    const keepFrom = latestUserTurn(turns);
    const starts = exchangeStarts(turns, keepFrom);
    const overhead = costs.tools.length > 0 ? costs.toolsOverhead ?? 0 : 0;
    const toolTokens = overhead + costs.tools.reduce((sum, t) => sum + t.tokens, 0);
    const turnTokens = (from: number) => costs.turns.slice(from).reduce((sum, n) => sum + n, 0);
    let firstTurn = 0;
    for (const start of starts) {
        if (costs.system + toolTokens + turnTokens(firstTurn) <= budget)
            break;
        firstTurn = start;
    }
    const kept = costs.tools.map((t) => t.name);
    const dropped: string[] = [];
    let total = costs.system + toolTokens + turnTokens(firstTurn);
    for (const name of toolDropOrder(turns, costs.tools)) {
        if (total <= budget)
            break;
        kept.splice(kept.indexOf(name), 1);
        dropped.push(name);
        total -= costs.tools.find((t) => t.name === name)!.tokens + (kept.length === 0 ? overhead : 0);
    }
    return {firstTurn, droppedTurns: firstTurn, tools: kept, droppedTools: dropped, total, fits: total <= budget};
}

/** Index of the latest user turn (what must be answered); 0 when there is none. */
function latestUserTurn(turns: readonly ChatTurn[]): number {
    for (let i = turns.length - 1; i >= 0; i--)
        if (turns[i]!.role === "user")
            return i;
    return 0;
}

/**
 * Where the history may be cut, oldest first: the start of each exchange after the first, up to
 * the latest user turn. Cutting at one drops everything before it.
 */
function exchangeStarts(turns: readonly ChatTurn[], keepFrom: number): number[] {
    const starts: number[] = [];
    for (let i = 1; i <= keepFrom; i++)
        if (turns[i]!.role === "user")
            starts.push(i);
    return starts;
}

/**
 * The order tools are left out in: never used in this conversation before used; among those,
 * another extension's (optional) before a built-in one, then the last offered first; a used tool
 * goes the longer ago it was last used.
 */
export function toolDropOrder(turns: readonly ChatTurn[], tools: PromptCosts["tools"]): string[] {
    const lastUse = new Map<string, number>();
    turns.forEach((turn, i) => {
        if (turn.role === "assistant")
            for (const part of turn.parts)
                if (part.type === "toolCall")
                    lastUse.set(part.name, i);
    });
    const ranked = tools.map((t, position) => ({name: t.name, used: lastUse.get(t.name) ?? -1, optional: t.optional, position}));
    ranked.sort((a, b) => a.used - b.used || Number(b.optional) - Number(a.optional) || b.position - a.position);
    return ranked.map((r) => r.name);
}

/** One line for the user about what was left out; undefined when nothing was. */
export function trimmedNotice(plan: TrimPlan, budget: number): string | undefined {
    const what: string[] = [];
    if (plan.droppedTurns > 0)
        what.push(`the ${plan.droppedTurns} oldest turn${plan.droppedTurns > 1 ? "s" : ""}`);
    if (plan.droppedTools.length > 0)
        what.push(`${plan.droppedTools.length} tool description${plan.droppedTools.length > 1 ? "s" : ""} (${plan.droppedTools.join(", ")})`);
    if (what.length === 0)
        return undefined;
    return `To fit the prompt budget of ${budget.toLocaleString("en-US")} tokens, the model was not shown ${what.join(" and ")}; the conversation itself is kept.`;
}
