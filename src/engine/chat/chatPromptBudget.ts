import type {ChatModelFunctions} from "node-llama-cpp";
import type {PromptParts} from "../promptParts";
import {toChatFunctions} from "./chatFunctions";
import {toChatHistory} from "./chatHistory";
import type {ChatModelSession} from "./chatModelSession";
import type {ChatTool} from "./chatTool";
import type {ChatTurn} from "./chatTranscript";
import {trimmedNotice, trimToBudget, type PromptCosts} from "./promptTrim";

/**
 * Tokens the chat template adds around each message or call (role markers, tags): an allowance
 * for the per-part estimate; the total that decides is counted exactly afterwards.
 */
const MESSAGE_OVERHEAD = 8;
/** Rounds of planning with the budget lowered by the estimate's error. */
const PLAN_ROUNDS = 4;

/** What a turn sends the model, fitted to the budget. */
export interface FittedPrompt {
    readonly history: readonly ChatTurn[];
    readonly tools: readonly ChatTool[];
    readonly parts: PromptParts;
    /** One line for the user when something was left out. */
    readonly notice?: string;
    /** False when even the system prompt and the new message alone are over the budget. */
    readonly fits: boolean;
}

/**
 * The system prompt, tool descriptions, history and new message of a turn, within `budget` tokens
 * of the model's own tokenizer (see trimToBudget for what goes first). The per-part costs are
 * estimates; the total of what is chosen is counted exactly through the chat template and the
 * plan is redone with a lower budget while it is over.
 */
export function fitPrompt(session: ChatModelSession, systemPrompt: string, history: readonly ChatTurn[], tools: readonly ChatTool[], budget: number): FittedPrompt {
    const count = (text: string) => text === "" ? 0 : session.loaded.model.tokenize(text).length;
    const {together: allToolsTokens, ...toolShares} = toolCosts(session, tools);
    const costs: PromptCosts = {
        system: count(systemPrompt),
        turns: history.map((turn) => turnCost(turn, count)),
        ...toolShares
    };
    let target = budget;
    for (let round = 0; ; round++) {
        const plan = trimToBudget(history, costs, target);
        const keptTools = tools.filter((t) => plan.tools.includes(t.name));
        const keptHistory = history.slice(plan.firstTurn);
        const total = exactTokens(session, systemPrompt, keptHistory, keptTools);
        const over = total - budget;
        if (over <= 0 || !plan.fits || round === PLAN_ROUNDS - 1) {
            const toolsSchema = keptTools.length === tools.length ? allToolsTokens : toolsTokens(session, keptTools);
            const parts = describeParts(keptHistory, {system: costs.system, toolsSchema}, total, budget, count);
            const notice = trimmedNotice(plan, budget);
            return {history: keptHistory, tools: keptTools, parts: notice != null ? {...parts, trimmed: notice} : parts, ...(notice != null ? {notice} : {}), fits: over <= 0};
        }
        target -= over;
    }
}

/**
 * Each tool's share of the tool descriptions, and the preamble the template adds once for any:
 * alone, each tool's text carries the preamble too, so the preamble is what the separate texts
 * repeat beyond the text of all of them together.
 */
function toolCosts(session: ChatModelSession, tools: readonly ChatTool[]): Pick<PromptCosts, "tools" | "toolsOverhead"> & {together: number} {
    const alone = tools.map((t) => toolsTokens(session, [t]));
    const together = toolsTokens(session, tools);
    const overhead = tools.length > 1 ? Math.max(0, Math.round((alone.reduce((a, b) => a + b, 0) - together) / (tools.length - 1))) : 0;
    return {
        tools: tools.map((t, i) => ({name: t.name, tokens: Math.max(0, alone[i]! - overhead), optional: t.optional === true})),
        toolsOverhead: overhead,
        together
    };
}

function turnCost(turn: ChatTurn, count: (text: string) => number): number {
    if (turn.role === "user")
        return count(turn.text) + MESSAGE_OVERHEAD;
    let tokens = MESSAGE_OVERHEAD;
    for (const part of turn.parts) {
        if (part.type === "text")
            tokens += count(part.text);
        else if (part.type === "toolCall")
            tokens += count(`${part.name}${JSON.stringify(part.params)}${JSON.stringify(part.result ?? null)}`) + 2 * MESSAGE_OVERHEAD;
    }
    return tokens;
}

function toolsTokens(session: ChatModelSession, tools: readonly ChatTool[]): number {
    if (tools.length === 0)
        return 0;
    return session.chat.chatWrapper.generateAvailableFunctionsSystemText(toChatFunctions(tools), {documentParams: true})
        .tokenize(session.loaded.model.tokenizer).length;
}

/** The prompt as the chat template lays it out for the model, counted with its tokenizer. */
function exactTokens(session: ChatModelSession, systemPrompt: string, history: readonly ChatTurn[], tools: readonly ChatTool[]): number {
    const functions: ChatModelFunctions | undefined = tools.length > 0 ? toChatFunctions(tools) : undefined;
    const state = session.chat.chatWrapper.generateContextState({
        chatHistory: [...toChatHistory(systemPrompt, history), {type: "model", response: []}],
        ...(functions != null ? {availableFunctions: functions, documentFunctionParams: true} : {})
    });
    return state.contextText.tokenize(session.loaded.model.tokenizer).length;
}

/**
 * The exact total split by part: the system prompt, the tool descriptions (both counted already
 * for the plan) and the new message by their own tokens; the history is the rest (it carries the chat template's tokens too), so the
 * parts add up to what the model evaluates.
 */
function describeParts(
    history: readonly ChatTurn[], {system, toolsSchema}: {readonly system: number; readonly toolsSchema: number}, total: number, budget: number,
    count: (text: string) => number
): PromptParts {
    const latest = [...history].reverse().find((t) => t.role === "user");
    const userMessage = latest?.role === "user" ? count(latest.text) : 0;
    return {
        tokens: {system, toolsSchema, history: Math.max(0, total - system - toolsSchema - userMessage), userMessage},
        caps: {},
        totalCap: budget,
        countedBy: "tokenizer"
    };
}
