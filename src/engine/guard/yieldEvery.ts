import {setImmediate} from "node:timers/promises";

/**
 * A counter for long loops over a file's contents: every `steps` calls it lets the event loop
 * run (timers, I/O, the editor's messages), so a big vocabulary never holds the thread for long.
 */
export function yieldEvery(steps: number): () => Promise<void> | undefined {
    let count = 0;
    return () => (++count % steps === 0 ? setImmediate().then(() => undefined) : undefined);
}
