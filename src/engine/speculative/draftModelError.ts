/**
 * A draft model that cannot be used (another vocabulary, no room beside the model, unreadable).
 * The model itself loads and serves without it; this says why it runs without guessing ahead.
 */
export class DraftModelError extends Error {
    override readonly name = "DraftModelError";
    constructor(readonly path: string, reason: string) {
        super(`Draft model ${path} is not used: ${reason}. The model runs without it.`);
    }
}
