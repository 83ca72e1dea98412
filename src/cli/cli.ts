import {runCli} from "./main";

// Entry point of dist/cli.js. Ctrl+C aborts the running command cleanly; a second one exits.
const controller = new AbortController();
process.once("SIGINT", () => {
    controller.abort();
    process.once("SIGINT", () => process.exit(130));
});

runCli(process.argv.slice(2), controller.signal).then(
    (code) => {
        process.exitCode = code;
    },
    (err: unknown) => {
        process.stderr.write(`quantpilot: unexpected failure: ${String(err)}\n`);
        process.exitCode = 1;
    }
);
