import type {PromptPartKey, PromptPartsView, RequestView} from "../../../src/panel/protocol";
import {h} from "../../shared/dom";
import {stackedBar} from "../meters";
import {card} from "./tabView";

const LABELS: Readonly<Record<PromptPartKey, string>> = {
    prefix: "Code before the cursor", suffix: "Code after the cursor", extraContext: "Other files and edits", markers: "FIM tokens and headers",
    system: "System prompt", toolsSchema: "Tool descriptions", history: "Earlier turns", userMessage: "New message"
};
const ORDER: readonly PromptPartKey[] = ["extraContext", "prefix", "suffix", "markers", "system", "toolsSchema", "history", "userMessage"];

export interface BudgetRow {
    readonly part: PromptPartKey;
    readonly label: string;
    readonly tokens: number;
    /** null: no cap on this part. */
    readonly cap: number | null;
}

/** The last request of one kind, by part, ready to draw. */
export interface BudgetSummary {
    readonly title: string;
    readonly kind: "completion" | "chat";
    readonly total: number;
    readonly totalCap: number | null;
    readonly rows: readonly BudgetRow[];
    /** "counted with the model's tokenizer", or says that the numbers are estimates. */
    readonly countedBy: string;
    readonly trimmed: string | null;
}

/** The last completion's and the last assistant turn's prompts, newest data only; empty before any. */
export function promptBudgetSummaries(requests: readonly RequestView[]): BudgetSummary[] {
    const summaries: BudgetSummary[] = [];
    for (const [kind, title] of [["completion", "Last completion"], ["chat", "Last assistant turn"]] as const) {
        const last = [...requests].reverse().find((r) => r.kind === kind && r.promptParts != null);
        if (last?.promptParts != null)
            summaries.push(summary(kind, title, last.promptParts));
    }
    return summaries;
}

function summary(kind: "completion" | "chat", title: string, parts: PromptPartsView): BudgetSummary {
    const rows = ORDER.filter((part) => parts.tokens[part] != null).map((part): BudgetRow => ({
        part, label: LABELS[part], tokens: parts.tokens[part]!, cap: parts.caps[part] ?? null
    }));
    return {
        title, kind,
        total: rows.reduce((sum, r) => sum + r.tokens, 0),
        totalCap: parts.totalCap ?? null,
        rows,
        countedBy: parts.countedBy === "tokenizer" ? "counted with the model's tokenizer"
            : parts.countedBy === "server" ? "counted by the server's tokenizer (its template tokens not included)"
                : "estimated from characters: this server cannot count tokens",
        trimmed: parts.trimmed ?? null
    };
}

/** The "Prompt budget" card: per request kind, a stacked bar of the parts and a table with their caps. */
export function promptBudgetCard(requests: readonly RequestView[]): HTMLElement {
    const summaries = promptBudgetSummaries(requests);
    if (summaries.length === 0)
        return card("Prompt budget", "card-prompt-budget", h("p", {class: "qp-missing"}, "No completion or assistant turn yet."));
    return card("Prompt budget", "card-prompt-budget", ...summaries.flatMap(section));
}

function section(s: BudgetSummary): HTMLElement[] {
    const scale = Math.max(s.total, s.totalCap ?? 0);
    const totalText = `${s.total.toLocaleString()}${s.totalCap != null ? ` / ${s.totalCap.toLocaleString()}` : ""} tokens`;
    const rows = s.rows.map((r) => h("tr", null,
        h("td", null, h("span", {class: `qp-swatch budget-${r.part}`}), ` ${r.label}`),
        h("td", {class: "num"}, r.tokens.toLocaleString()),
        h("td", {class: "num"}, r.cap != null ? r.cap.toLocaleString() : "—")));
    return [
        h("h4", {class: "qp-budget-title"}, `${s.title}: `, h("strong", {testId: `budget-${s.kind}-total`}, totalText)),
        stackedBar(s.rows.map((r) => ({value: r.tokens, kind: `budget-${r.part}`, label: `${r.label} ${r.tokens}`})), scale),
        h("table", {class: "qp-table", testId: `budget-${s.kind}-table`},
            h("thead", null, h("tr", null, h("th", null, "Part"), h("th", {class: "num"}, "Tokens"), h("th", {class: "num"}, "Cap"))),
            h("tbody", null, ...rows)),
        h("p", {class: "qp-figure-caption"}, s.countedBy),
        ...(s.trimmed != null ? [h("p", {class: "qp-stale", testId: `budget-${s.kind}-trimmed`}, s.trimmed)] : [])
    ];
}
