/**
 * How many tokens each stop rule lets a FIM answer generate, on the same real tasks and the same
 * generations: the model's raw greedy text up to the budget is generated once per task (with the
 * text after every token), then each rule is applied to it. Generation time is tokens times the
 * time per token, so this separates "generates more" from "generates slower" without a second
 * engine, and without the noise of a shared machine between two runs.
 *
 *   node --import tsx bench/real/stopLengths.ts [--limit 40] [--seed 20261202] [--max-tokens 32] [--json]
 *
 * Rules: QuantPilot's post-processing (`isSuggestionDecided`), llama-server's `n_indent` rule as
 * bench/real/infillClient.ts sends it (a line indented less than the cursor's line ends the answer;
 * no rule at indentation 0), and the budget alone. Exact match and edit similarity are scored for
 * QuantPilot's rule (bench/real/fimScore.ts), on the text `finishSuggestion` makes at its stop.
 */
import {existsSync} from "node:fs";
import {basename, join} from "node:path";
import {parseArgs} from "node:util";
import {planCompletion} from "../../src/completion/completionPlan";
import {LocalCompleter} from "../../src/completion/localCompleter";
import {finishSuggestion, isSuggestionDecided} from "../../src/completion/postProcess";
import {LlamaRuntime} from "../../src/engine/llamaRuntime";
import {LocalEngine} from "../../src/engine/localEngine";
import {silentLogger} from "../../src/util/logger";
import {REPO_ROOT} from "../../test/helpers/paths";
import {fetchRealModels} from "../../test/real/realModels";
import {scoreFim, summarizeFim, weightedQuantile, type FimOutcome} from "./fimScore";
import {cutFimTasks, type FimTask} from "./fimTasks";

const {values} = parseArgs({options: {
    limit: {type: "string", default: "40"}, seed: {type: "string", default: "20261202"},
    "max-tokens": {type: "string", default: "32"}, json: {type: "boolean", default: false}
}});

/** Tokens llama-server generates under its n_indent rule: up to the first line indented less than the cursor's line. */
function nIndentStop(texts: readonly string[], linePrefix: string): number {
    const indent = /^[ \t]*/.exec(linePrefix)![0].length;
    if (indent === 0)
        return texts.length;
    const index = texts.findIndex((text) => text.split("\n").slice(1).some((line) => {
        const lead = /^[ \t]*/.exec(line)![0].length;
        return lead < line.length && lead < indent;
    }));
    return index < 0 ? texts.length : index + 1;
}

async function main(): Promise<void> {
    const real = await fetchRealModels();
    if (real == null)
        return;
    const python = ["/usr/lib/python3.11", "/usr/lib/python3.12", "/usr/lib/python3"].find((p) => existsSync(p));
    const trees = [
        ...(python != null ? [{name: basename(python), root: python, pattern: /\.py$/}] : []),
        {name: "typescript-lib", root: join(REPO_ROOT, "node_modules", "typescript", "lib"), pattern: /^lib\..*\.d\.ts$/}
    ];
    // The same tasks as bench:real's first `limit` (same seed, lines above and below).
    const tasks: FimTask[] = cutFimTasks(trees, {seed: Number(values.seed), count: Number(values.limit), linesAbove: 32, linesBelow: 8});
    const maxTokens = Number(values["max-tokens"]);
    const runtime = new LlamaRuntime(silentLogger);
    const engine = new LocalEngine(runtime, silentLogger);
    await engine.load(real.completion.path, {gpu: "cpu", threads: 1, contextSize: 4096});
    const completer = new LocalCompleter(engine);
    const planning = {fim: {prefix: 0, suffix: 0, middle: 0}, tokenizer: {tokenize: () => []}, specialTexts: engine.loaded!.vocabulary.specialTexts};
    const rows: {quantpilot: number; nIndent: number; budget: number; promptTokens: number; promptMs: number; msPerToken: number}[] = [];
    const outcomes: FimOutcome[] = [];
    try {
        for (const [i, task] of tasks.entries()) {
            const fileName = task.file.slice(task.file.indexOf("/") + 1);
            const texts: string[] = [];
            const result = await completer.complete({prefix: task.prefix, suffix: task.suffix, fileName, maxTokens, raw: true, onText: (text) => texts.push(text)});
            const context = planCompletion({prefix: task.prefix, suffix: task.suffix, fileName}, planning).suggestion;
            const decided = texts.findIndex((text) => isSuggestionDecided(text, context));
            const stop = decided < 0 ? texts.length : decided + 1;
            outcomes.push(scoreFim({text: finishSuggestion(texts[stop - 1] ?? "", context), latencyMs: 0}, task.middle));
            rows.push({
                quantpilot: stop, nIndent: nIndentStop(texts, context.text.linePrefix), budget: texts.length,
                promptTokens: result.promptTokensEvaluated, promptMs: result.ttftMs,
                msPerToken: texts.length > 1 ? (result.totalMs - result.ttftMs) / (texts.length - 1) : Number.NaN
            });
            process.stderr.write(`[stopLengths] ${i + 1}/${tasks.length}: ${JSON.stringify(rows.at(-1))}\n`);
        }
    } finally {
        await engine.dispose();
        await runtime.dispose();
    }
    const mean = (pick: (r: typeof rows[number]) => number) => rows.reduce((s, r) => s + pick(r), 0) / rows.length;
    const median = (pick: (r: typeof rows[number]) => number) => weightedQuantile(rows.map(pick).filter((v) => !Number.isNaN(v)), 0.5);
    const summary = summarizeFim(outcomes);
    const result = {
        tasks: rows.length, maxTokens,
        generatedTokens: {
            quantpilot: {mean: mean((r) => r.quantpilot), p50: median((r) => r.quantpilot)},
            nIndent: {mean: mean((r) => r.nIndent), p50: median((r) => r.nIndent)},
            budget: {mean: mean((r) => r.budget), p50: median((r) => r.budget)}
        },
        quantpilot: {exactMatch: summary.exactMatch, shown: summary.shown, editSimilarity: summary.editSimilarity},
        promptTokensP50: median((r) => r.promptTokens), promptMsP50: median((r) => r.promptMs), msPerTokenP50: median((r) => r.msPerToken)
    };
    const g = result.generatedTokens;
    console.log(`${rows.length} tasks: generated tokens (mean / p50) QuantPilot ${g.quantpilot.mean.toFixed(1)} / ${g.quantpilot.p50}, ` +
        `n_indent ${g.nIndent.mean.toFixed(1)} / ${g.nIndent.p50}, budget ${g.budget.mean.toFixed(1)} / ${g.budget.p50}; ` +
        `exact ${(100 * summary.exactMatch.rate).toFixed(1)} %, prompt p50 ${result.promptTokensP50} tokens in ${Math.round(result.promptMsP50)} ms, ` +
        `${Math.round(result.msPerTokenP50)} ms per generated token`);
    if (values.json)
        console.log(JSON.stringify(result));
}

main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
});
