import type {AbMetric} from "../report/abReport";
import {sig} from "../report/numberFormat";
import {formatBytes} from "../../util/format";
import type {MemoryPlan} from "./abMemoryPlan";
import {describeExtraContext, type ExtraContextFigure} from "../stats/extraContext";
import {EXTRA_CONTEXT_TOKENS} from "./extraContextPhase";
import {FIM_MAX_TOKENS, FIM_PREFIX_TOKENS, FIM_SUFFIX_TOKENS, SAFETY_MAX_TOKENS} from "./taskPhase";

export interface NotesInput {
    readonly notes: readonly string[];
    readonly metrics: readonly AbMetric[];
    readonly windows: number;
    readonly used: number;
    readonly windowSize: number;
    readonly streamTokens: number;
    readonly budget: number | null;
    readonly hasFim: boolean;
    readonly memoryPlan: MemoryPlan | undefined;
    /** How the quality windows were scored (scoring child process, or in-process and why). */
    readonly scoring?: readonly string[];
    /** The extra-context figure, or why it was not measured. */
    readonly extraContext?: ExtraContextFigure | string;
    readonly speed: {readonly bandwidth: number | undefined; readonly meter: {source: string; note: string} | string; readonly plan: {threads: number}} | undefined;
}

/** How every number of the report was obtained, and what was left out, in plain sentences. */
export function abNotes(input: NotesInput): string[] {
    const notes = [...input.notes];
    notes.push("Quality and tasks load one model at a time: the reference runs first and its results are kept, so it is never evaluated twice.");
    if (input.metrics.includes("quality")) {
        notes.push(
            `Distribution match: ${input.used} of ${input.windows} windows of ${input.windowSize} tokens (the texts are ${input.streamTokens} tokens), ` +
            "each evaluated from an empty cache; the second half of each window is scored as llama-perplexity scores it. " +
            "KLD is KL(reference \u2016 candidate) in nats over the full vocabulary, from the log-softmax of the raw logits (temperature 1, nothing truncated), " +
            "counting every token the reference gives more than e^\u221216, as llama-perplexity --kl-divergence does; the reference keeps its " +
            "log-probabilities in float32 where llama-perplexity rounds them to 16 bits. Same top token and \u0394p are over the full vocabulary too.");
        if (input.scoring != null && input.scoring.length > 0)
            notes.push(`Scored with ${input.scoring.join("; ")}.`);
        if (input.used < input.windows)
            notes.push(`The time budget (${input.budget} s) stopped after ${input.used} windows, taken in a seeded random order so code and prose both appear.`);
    }
    if (input.metrics.includes("tasks")) {
        notes.push(input.hasFim
            ? `FIM: held-out lines, prompt in prefix-suffix-middle order with up to ${FIM_PREFIX_TOKENS} tokens before and ${FIM_SUFFIX_TOKENS} after, ` +
              `greedy, at most ${FIM_MAX_TOKENS} tokens; the first line is scored by exact match and edit similarity.`
            : "FIM skipped: the models have no fill-in-the-middle tokens.");
        notes.push(`Safety: each prompt in the model's chat format, greedy, ${SAFETY_MAX_TOKENS} tokens; a refusal is detected by phrases ` +
            "(\"I can't\", \"I'm sorry\", ...), the same heuristic for both models. Flips count answers that changed between refusing and complying.");
        notes.push("Function calling: the assistant's own cases, tools, system prompt and scorer (quantpilot tools-eval), natural mode (the model " +
            "decides whether to call), greedy, 160 tokens; a case is right when its first call has the expected function and arguments.");
    }
    if (input.extraContext != null)
        notes.push(typeof input.extraContext === "string" ? `Extra context: not measured, ${input.extraContext}.`
            : `Prompt budget: the reference on the first ${input.extraContext.n} FIM lines in the editor's repo-level prompt, without and with the ` +
              `extra chunks its context ring would add (other files' ranges and this file above the prompt, up to ${EXTRA_CONTEXT_TOKENS} tokens), ` +
              `each from an empty KV cache: ${describeExtraContext(input.extraContext)}.`);
    if (input.metrics.includes("speed") && input.speed != null) {
        const plan = input.memoryPlan;
        notes.push(plan == null || plan.together
            ? `Speed: one warm-up, then repetitions alternating between the models (ABAB), ${input.speed.plan.threads} thread(s).`
            : `Speed: the models do not fit in ${plan.where} together (about ${formatBytes(plan.neededBytes)} needed, ${formatBytes(plan.freeBytes)} free), ` +
              "so each was loaded and timed alone, one after the other (not interleaved).");
        notes.push(input.speed.bandwidth != null
            ? `Decode ceiling: measured copy bandwidth ${sig(input.speed.bandwidth / 1e9)} GB/s (one thread, read + write) divided by the bytes of weights a token reads.`
            : "Decode ceiling: not computed on a GPU (the copy benchmark measures CPU memory).");
        notes.push(typeof input.speed.meter === "string" ? `Energy: ${input.speed.meter}.` : `Energy: ${input.speed.meter.source}, ${input.speed.meter.note}.`);
    }
    return notes;
}
