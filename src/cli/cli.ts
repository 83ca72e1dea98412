import {constants} from "node:os";
import {runCli} from "./main";

// Entry point of dist/cli.js. Ctrl+C, SIGTERM (kill, a CI timeout) and SIGHUP (a closed
// terminal) all abort the running command cleanly: it stops its work and removes partial
// output, then the process exits with 128 + the signal's number, as a shell reports a process
// a signal ended. A second signal exits at once.
const controller = new AbortController();
let received: NodeJS.Signals | undefined;

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
    process.on(signal, () => {
        if (received != null)
            process.exit(exitCodeFor(signal));
        received = signal;
        if (signal === "SIGHUP") {
            // The terminal is gone: what is still written to it must not fail the clean-up.
            process.stdout.on("error", () => undefined);
            process.stderr.on("error", () => undefined);
        }
        controller.abort();
    });

function exitCodeFor(signal: NodeJS.Signals): number {
    return 128 + constants.signals[signal];
}

runCli(process.argv.slice(2), controller.signal).then(
    (code) => {
        process.exitCode = received != null ? exitCodeFor(received) : code;
    },
    (err: unknown) => {
        process.stderr.write(`quantpilot: unexpected failure: ${String(err)}\n`);
        process.exitCode = 1;
    }
);
