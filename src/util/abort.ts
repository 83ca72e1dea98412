/** True for the errors that mean "cancelled", which are never reported as failures. */
export function isAbortError(err: unknown): boolean {
    if (err == null || typeof err !== "object")
        return false;
    const name = (err as {name?: unknown}).name;
    return name === "AbortError" || (err as {code?: unknown}).code === "ABORT_ERR";
}

export function abortError(message = "The operation was cancelled"): Error {
    return new DOMException(message, "AbortError");
}

/** One signal that aborts when any of the given signals does. */
export function anySignal(signals: ReadonlyArray<AbortSignal | undefined>): AbortSignal {
    const present = signals.filter((s): s is AbortSignal => s != null);
    if (present.length === 1)
        return present[0]!;
    return AbortSignal.any(present);
}
