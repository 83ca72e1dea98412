import {readFile, writeFile} from "node:fs/promises";
import {scoredPositions, type TokenWindow} from "../corpus/windows";
import {ReferenceWindowBuilder} from "../stats/referenceWindow";
import {WindowComparer, type WindowComparison} from "../stats/windowComparison";
import {decodeReferenceWindow, encodeReferenceWindow, type StoredReferenceWindow} from "./referenceWindowCodec";
import type {ScoringModel} from "./scoringModel";
import type {WindowScorer} from "./windowScorer";

/**
 * Scores windows with a model loaded in this process through node-llama-cpp: the same
 * arithmetic as the scoring child process, on log-probabilities instead of raw logits, and much
 * slower on large vocabularies. Used where the child cannot run (no usable libllama).
 */
export class InProcessScorer implements WindowScorer {
    readonly method = "node-llama-cpp's probabilities in this process (slower)";

    constructor(private readonly model: ScoringModel) {}

    get measurement() {
        return this.model.measurement;
    }

    async reference(window: TokenWindow, path: string, signal?: AbortSignal): Promise<StoredReferenceWindow> {
        const started = performance.now();
        const {first, last} = scoredPositions(window.tokens.length);
        const builder = new ReferenceWindowBuilder(window.index, this.model.vocabularySize);
        await this.model.scoreWindow(window.tokens, first, last, (position, logits) => builder.add(logits, window.tokens[position + 1]!), signal);
        const {window: record, rows} = builder.build();
        const stored = {window: record, evaluationSeconds: (performance.now() - started) / 1000};
        await writeFile(path, encodeReferenceWindow(stored, rows));
        return stored;
    }

    async compare(window: TokenWindow, referencePath: string, signal?: AbortSignal): Promise<WindowComparison> {
        const stored = decodeReferenceWindow(await readFile(referencePath));
        if (stored == null)
            throw new Error(`the reference's record ${referencePath} is damaged`);
        const {first, last} = scoredPositions(window.tokens.length);
        const comparer = new WindowComparer(stored);
        await this.model.scoreWindow(window.tokens, first, last, (_, logits) => comparer.add(logits), signal);
        return {...comparer.finish(), windowIndex: window.index};
    }

    dispose(): Promise<void> {
        return this.model.dispose();
    }
}
