import * as vscode from "vscode";
import {join} from "node:path";
import {compareOrDiscard, settleBuild, type BuildOutcome} from "../engine/build/buildActivation";
import {extensionCliLauncher, type BuildComparison} from "../engine/build/buildComparison";
import {describeBuildGpu} from "../engine/build/buildGpu";
import {buildEngine, type EngineBuildResult} from "../engine/build/engineBuild";
import {LocalEngineBuilds} from "../engine/build/localEngineBuilds";
import type {LlamaRuntime} from "../engine/llamaRuntime";
import type {GpuSetting} from "../engine/engineSettings";
import type {LocalEngine} from "../engine/localEngine";
import {isAbortError} from "../util/abort";
import type {Logger} from "../util/logger";
import {toAbortSignal} from "../vscodeUtil/cancellation";
import {reportUserActionError} from "../vscodeUtil/errors";

/** What the command needs from the extension. */
export interface EngineBuildContext {
    readonly log: Logger;
    readonly storageDir: string;
    readonly gpu: GpuSetting;
    /** The model in use, to compare the engines on; undefined when none is loaded. */
    readonly modelPath: string | undefined;
    /** The GPU backend the engine runs on now, or false. */
    readonly runningGpu: string | false;
}

/**
 * "QuantPilot: Build Engine for This Machine": builds llama.cpp from the bundled source with a
 * cancellable progress notification and the build log in the output channel, compares the new
 * build with the prebuilt engine on the loaded model, keeps the faster and says by how much.
 */
export async function buildEngineForThisMachine(ctx: EngineBuildContext): Promise<void> {
    const builds = new LocalEngineBuilds();
    let outcome: BuildOutcome | undefined;
    try {
        outcome = await vscode.window.withProgress(
            {location: vscode.ProgressLocation.Notification, title: "QuantPilot: building the engine for this machine", cancellable: true},
            async (progress, token) => {
                const abort = toAbortSignal(token);
                try {
                    const result = await build(ctx, builds, progress, abort.signal);
                    const comparison = await compare(ctx, builds, result, progress, abort.signal);
                    return await settleBuild(builds, result, comparison);
                } finally {
                    abort.dispose();
                }
            }
        );
    } catch (err) {
        if (isAbortError(err)) {
            ctx.log.info("Engine build cancelled; the engine in use is unchanged.");
            void vscode.window.showInformationMessage("QuantPilot: engine build cancelled. Nothing was changed.");
            return;
        }
        await reportUserActionError(ctx.log, "Building the engine", err);
        return;
    }
    ctx.log.info(outcome.summary);
    const reload = "Reload Window";
    const choice = await vscode.window.showInformationMessage(
        outcome.active ? `${outcome.summary} Reload the window to start it.` : outcome.summary,
        ...(outcome.active ? [reload] : [])
    );
    // A fresh extension host loads the new engine alone: two llama.cpp builds in one process share libraries.
    if (choice === reload)
        await vscode.commands.executeCommand("workbench.action.reloadWindow");
}

type Progress = vscode.Progress<{message?: string; increment?: number}>;

async function build(ctx: EngineBuildContext, builds: LocalEngineBuilds, progress: Progress, signal: AbortSignal): Promise<EngineBuildResult> {
    let reported = 0;
    const result = await buildEngine({
        gpu: ctx.gpu,
        runningGpu: ctx.runningGpu,
        logFile: join(ctx.storageDir, "engine-build.log"),
        builds,
        signal,
        onLine: (line) => ctx.log.info(`[engine build] ${line}`),
        onProgress: (p) => {
            const percent = p.fraction == null ? reported : Math.round(p.fraction * 90);
            progress.report({message: p.fraction == null ? p.message : `${p.message} (${Math.round(p.fraction * 100)}%)`, increment: percent - reported});
            reported = percent;
        }
    });
    for (const note of result.notes) {
        ctx.log.warn(`Engine build: ${note}`);
        void vscode.window.showWarningMessage(`QuantPilot: ${note}.`);
    }
    ctx.log.info(`Built the ${describeBuildGpu(result.gpu)} engine in ${Math.round(result.seconds)} s.`);
    return result;
}

async function compare(
    ctx: EngineBuildContext,
    builds: LocalEngineBuilds,
    result: EngineBuildResult,
    progress: Progress,
    signal: AbortSignal
): Promise<BuildComparison | undefined> {
    if (ctx.modelPath == null) {
        ctx.log.info("No model is loaded, so the new engine is not compared with the prebuilt one.");
        return undefined;
    }
    progress.report({message: "Comparing it with the prebuilt engine on the loaded model"});
    return await compareOrDiscard(builds, result, {cli: extensionCliLauncher(join(__dirname, "cli.js")), modelPath: ctx.modelPath, signal});
}

/**
 * After each model load: when QuantPilot's local build exists but could not be loaded (damaged
 * files), the prebuilt engine is running; say so once and offer to build again.
 */
export function offerRebuildWhenLocalBuildFails(engine: LocalEngine, runtime: LlamaRuntime, log: Logger): vscode.Disposable {
    let offered: string | undefined;
    const subscription = engine.onDidChangeModel(async (model) => {
        const problem = runtime.engine?.localBuildProblem;
        if (model == null || problem == null || offered === problem)
            return;
        offered = problem;
        const rebuild = "Rebuild Engine";
        const choice = await vscode.window.showWarningMessage(`QuantPilot: ${problem}`, rebuild, "Show Log");
        if (choice === rebuild)
            await vscode.commands.executeCommand("quantpilot.buildEngine");
        else if (choice === "Show Log")
            await vscode.commands.executeCommand("quantpilot.showLog");
        log.debug(`Offered a rebuild of the local engine: ${choice ?? "dismissed"}`);
    });
    return {dispose: () => subscription.dispose()};
}
