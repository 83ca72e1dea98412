import type {GuardedModelFile, GuardOptions, ProvenStep} from "./guardModelFile";

export type ModelFileCheck = (path: string, options: GuardOptions) => Promise<GuardedModelFile>;

/**
 * The guard's verdict on a file, and the points before it where the host may already do a step
 * of its own load: each gate opens when the probe has gone through that step (or when the verdict
 * came without a probe), and rejects with the guard's error when the file is refused first. So the
 * host reads the weights while the probe makes its context, and makes its own context while the
 * probe decodes and renders the template; it never runs a step the probe has not survived.
 */
export class GuardGates {
    /** The weights may be loaded: resolves with the header's facts. */
    readonly weights: Promise<GuardedModelFile>;
    /** A context may be made on them. */
    readonly context: Promise<void>;
    /** The final verdict: its facts (chat template included) are the ones to serve with. */
    readonly verdict: Promise<GuardedModelFile>;

    constructor(check: ModelFileCheck, path: string, options: GuardOptions) {
        const opened = new Map<ProvenStep, (facts: GuardedModelFile) => void>();
        const gate = (step: ProvenStep) => new Promise<GuardedModelFile>((resolve) => opened.set(step, resolve));
        const weights = gate("weights");
        const context = gate("context");
        this.verdict = check(path, {...options, onProven: (step, facts) => opened.get(step)?.(facts)});
        this.weights = Promise.race([weights, this.verdict]);
        this.context = Promise.race([context, this.verdict]).then(() => undefined);
        // Whoever stops waiting early (a failed load) must not leave a rejection unhandled.
        for (const promise of [this.weights, this.context, this.verdict])
            promise.catch(() => undefined);
    }
}
