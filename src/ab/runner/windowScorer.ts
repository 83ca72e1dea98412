import type {TokenWindow} from "../corpus/windows";
import type {WindowComparison} from "../stats/windowComparison";
import type {StoredReferenceWindow} from "./referenceWindowCodec";
import type {LoadMeasurement} from "./scoringModel";

/**
 * A model loaded for the quality comparison. It evaluates whole windows and does the per-token
 * arithmetic over the full vocabulary; the reference's records (large: a row of
 * log-probabilities per scored token) go through files, so neither side holds them all.
 */
export interface WindowScorer {
    /** What loading the model cost. */
    readonly measurement: LoadMeasurement;
    /** How it scores, for the report's notes. */
    readonly method: string;
    /** Evaluates the reference on a window and writes its record, rows included, to `path`. */
    reference(window: TokenWindow, path: string, signal?: AbortSignal): Promise<StoredReferenceWindow>;
    /** Evaluates a candidate on a window and compares it with the reference's record at `referencePath`. */
    compare(window: TokenWindow, referencePath: string, signal?: AbortSignal): Promise<WindowComparison>;
    dispose(): Promise<void>;
}
