import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";

const made: string[] = [];

/**
 * A new empty folder under the system's temp folder, named `qp-<name>-XXXXXX`, removed with
 * everything in it when the test process exits (pass or fail), so test runs leave nothing behind.
 */
export function tempDir(name: string): string {
    if (made.length === 0)
        process.once("exit", removeAll);
    const dir = mkdtempSync(join(tmpdir(), `qp-${name}-`));
    made.push(dir);
    return dir;
}

function removeAll(): void {
    for (const dir of made)
        rmSync(dir, {recursive: true, force: true, maxRetries: 3});
}
