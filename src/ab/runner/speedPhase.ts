import type {EnergyMeter} from "./energyMeter";
import type {ScoringModel} from "./scoringModel";

export interface SpeedPlan {
    /** Prompt-processing input: as many tokens as the completion context holds. */
    readonly promptTokens: readonly number[];
    /** A real fill-in-the-middle prompt for time to first token. */
    readonly ttftPrompt: readonly number[];
    /** Decode steps timed per repetition (tg128 in llama-bench). */
    readonly generatedTokens: number;
    /** Timed repetitions per model, after one untimed warm-up. */
    readonly repetitions: number;
    readonly energy: EnergyMeter | undefined;
    readonly signal?: AbortSignal;
    readonly onStep?: (done: number, total: number) => void;
}

/** Raw timings of one model, one entry per repetition. */
export interface SpeedSamples {
    readonly ppTokensPerSecond: number[];
    readonly tgTokensPerSecond: number[];
    readonly ttftMs: number[];
    readonly joulesPerToken: number[];
}

/** A model slot the speed phase can load and free, so models can run together or one at a time. */
export interface SpeedSlot {
    load(): Promise<ScoringModel>;
    release(model: ScoringModel): Promise<void>;
}

/**
 * Times every model. Together: all are loaded, each is warmed up, then repetitions alternate
 * A B A B so that drift on the machine (heat, other programs) hits every model alike. One at a
 * time (when they do not fit in memory together): each model is loaded, warmed up and timed
 * alone. Every model gets the same prompts and the same number of repetitions.
 */
export async function measureSpeed(slots: readonly SpeedSlot[], together: boolean, plan: SpeedPlan): Promise<SpeedSamples[]> {
    const samples = slots.map(emptySamples);
    const total = slots.length * plan.repetitions;
    let done = 0;
    const step = async (model: ScoringModel, index: number) => {
        plan.signal?.throwIfAborted();
        await measureOnce(model, plan, samples[index]!);
        plan.onStep?.(++done, total);
    };
    if (together) {
        const models: ScoringModel[] = [];
        try {
            for (const slot of slots) {
                const model = await slot.load();
                models.push(model);
                await warmUp(model, plan);
            }
            for (let r = 0; r < plan.repetitions; r++) {
                for (let i = 0; i < models.length; i++)
                    await step(models[i]!, i);
            }
        } finally {
            for (let i = 0; i < models.length; i++)
                await slots[i]!.release(models[i]!);
        }
        return samples;
    }
    for (let i = 0; i < slots.length; i++) {
        const model = await slots[i]!.load();
        try {
            await warmUp(model, plan);
            for (let r = 0; r < plan.repetitions; r++)
                await step(model, i);
        } finally {
            await slots[i]!.release(model);
        }
    }
    return samples;
}

async function warmUp(model: ScoringModel, plan: SpeedPlan): Promise<void> {
    await model.evaluatePrompt(plan.promptTokens.slice(0, 64));
    await model.generate(plan.promptTokens.slice(0, 1), {maxTokens: 8, ignoreEog: true});
}

async function measureOnce(model: ScoringModel, plan: SpeedPlan, into: SpeedSamples): Promise<void> {
    const ppSeconds = await model.evaluatePrompt(plan.promptTokens);
    into.ppTokensPerSecond.push(plan.promptTokens.length / ppSeconds);
    await plan.energy?.start();
    // One prompt token, then generatedTokens − 1 fed back: generatedTokens single-token decode steps.
    const tg = await model.generate(plan.promptTokens.slice(0, 1), {maxTokens: plan.generatedTokens, ignoreEog: true});
    const joules = await plan.energy?.stop();
    into.tgTokensPerSecond.push(plan.generatedTokens / (tg.totalMs / 1000));
    if (joules != null)
        into.joulesPerToken.push(joules / plan.generatedTokens);
    const ttft = await model.generate(plan.ttftPrompt, {maxTokens: 1, ignoreEog: true});
    into.ttftMs.push(ttft.ttftMs);
}

function emptySamples(): SpeedSamples {
    return {ppTokensPerSecond: [], tgTokensPerSecond: [], ttftMs: [], joulesPerToken: []};
}
