import * as vscode from "vscode";
import {abMarkdown} from "../../ab/report/abMarkdown";
import type {AbService} from "../../ab/vscode/abService";
import type {ModelServices} from "../../models/modelServices";
import {modelSearchDirs} from "../../models/modelsDir";
import {findModelVariants} from "../../quant/variants";
import {ToolError} from "../../tools/toolError";
import {toAbortSignal} from "../../vscodeUtil/cancellation";
import {describePlan, planComparison, type ComparisonPlan} from "../comparisonPlan";
import {COMPARE_QUANTIZATIONS_TOOL, lmToolName} from "../lmToolContributions";
import {toolInput} from "../lmToolInput";

interface Input {
    readonly candidates: readonly string[] | null;
    readonly reference: string | null;
}

/**
 * "Compare quantizations" as a language model tool. It costs minutes of CPU, so the user
 * confirms each run (VS Code shows prepareInvocation's confirmation), as the assistant asks
 * before anything beyond reading.
 */
export function registerCompareQuantizationsLmTool(
    lm: Pick<typeof vscode.lm, "registerTool">,
    services: Pick<ModelServices, "models" | "config" | "storageDir">,
    ab: Pick<AbService, "run">
): vscode.Disposable {
    const plan = async (input: unknown, signal?: AbortSignal): Promise<ComparisonPlan> => {
        const current = services.models.model?.path;
        if (current == null)
            throw new ToolError("QuantPilot has no model loaded, so there are no quantizations of it to compare.");
        const variants = await findModelVariants(current, modelSearchDirs(services, current), signal);
        return planComparison(variants, toolInput(COMPARE_QUANTIZATIONS_TOOL, input) as unknown as Input);
    };
    return lm.registerTool<unknown>(lmToolName(COMPARE_QUANTIZATIONS_TOOL.name), {
        prepareInvocation: async (options) => ({
            invocationMessage: "QuantPilot: comparing quantizations",
            confirmationMessages: {title: "Compare quantizations?", message: describePlan(await plan(options.input))}
        }),
        invoke: async (options, token) => {
            const cancellation = toAbortSignal(token);
            try {
                const chosen = await plan(options.input, cancellation.signal);
                const {report} = await ab.run({
                    referencePath: chosen.reference.path, referenceLabel: chosen.referenceLabel,
                    candidatePaths: chosen.candidates.map((c) => c.path), texts: [], notes: []
                }, cancellation.signal);
                return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(abMarkdown(report))]);
            } finally {
                cancellation.dispose();
            }
        }
    });
}
