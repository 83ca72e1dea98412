import {referenceLabel, suggestReference} from "../ab/vscode/referenceChoice";
import type {ModelVariant} from "../quant/variants";
import {ToolError} from "../tools/toolError";

export interface ComparisonPlan {
    readonly reference: ModelVariant;
    readonly referenceLabel: string;
    readonly candidates: readonly ModelVariant[];
}

/**
 * Which files the compareQuantizations tool compares, from the loaded model's variants on disk:
 * the named reference (else F16/BF16, else the highest precision, as the command suggests) and
 * the named candidates (else every other variant). A name is a quantization type or a file name.
 */
export function planComparison(variants: readonly ModelVariant[], input: {readonly candidates: readonly string[] | null; readonly reference: string | null}): ComparisonPlan {
    if (variants.length < 2)
        throw new ToolError("There is nothing to compare: only one quantization of the loaded model is on disk. Download or quantize another first.");
    const suggested = suggestReference(variants);
    const reference = input.reference != null ? find(variants, input.reference) : suggested?.choice;
    if (reference == null)
        throw new ToolError("No reference model was found.");
    const others = variants.filter((v) => v.path !== reference.path);
    const candidates = input.candidates != null && input.candidates.length > 0 ? input.candidates.map((name) => find(others, name)) : others;
    return {
        reference,
        referenceLabel: reference.path === suggested?.choice.path && input.reference == null ? suggested.label : referenceLabel(reference, suggested?.choice),
        candidates: [...new Map(candidates.map((c) => [c.path, c])).values()]
    };
}

/** A one-line description for the confirmation the user sees before the comparison runs. */
export function describePlan(plan: ComparisonPlan): string {
    const names = plan.candidates.map((c) => c.fileType ?? c.fileName).join(", ");
    return `Compare ${names} with ${plan.reference.fileType ?? plan.reference.fileName} (${plan.referenceLabel}) on the built-in code and prose texts. ` +
        "It runs next to the loaded model, uses the CPU for a minute or more, and saves the result to the A/B history.";
}

function find(variants: readonly ModelVariant[], name: string): ModelVariant {
    const wanted = name.trim().toLowerCase();
    const found = variants.find((v) => v.fileType?.toLowerCase() === wanted || v.fileName.toLowerCase() === wanted);
    if (found == null)
        throw new ToolError(`No variant ${name} of the loaded model is on disk. Available: ${variants.map((v) => v.fileType ?? v.fileName).join(", ")}.`);
    return found;
}
