/**
 * Runs async jobs one at a time, in order. A model context evaluates one thing at a time, and a
 * job that fails does not block the ones behind it.
 */
export class SerialQueue {
    private tail: Promise<unknown> = Promise.resolve();

    run<T>(job: () => Promise<T>): Promise<T> {
        const result = this.tail.then(job, job);
        this.tail = result.catch(() => undefined);
        return result;
    }

    /** Resolves once every job queued so far has settled. */
    idle(): Promise<void> {
        return this.tail.then(() => undefined);
    }
}
