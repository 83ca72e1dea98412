/** Errors the A/B evaluation throws on purpose; each message can be shown to a person as it is. */

export class NotEnoughTextError extends Error {
    override readonly name = "NotEnoughTextError";
    constructor(readonly tokens: number, readonly windowSize: number) {
        super(
            `The text is ${tokens} token${tokens === 1 ? "" : "s"} long, but one evaluation window needs ${windowSize} tokens ` +
            `(at least ${windowSize * 2} for a useful comparison). Add more text, or choose a smaller window (--window).`
        );
    }
}

export class VocabularyMismatchError extends Error {
    override readonly name = "VocabularyMismatchError";
    constructor(readonly reference: string, readonly candidate: string, reason: string) {
        super(`Cannot compare ${candidate} with ${reference}: ${reason}. Both must share one vocabulary (the same base model at two quantization levels).`);
    }
}

export class AbInputError extends Error {
    override readonly name = "AbInputError";
}
