import type {CliCommand} from "./cliCommand";
import {completeCommand} from "./commands/complete";
import {inspectCommand} from "./commands/inspect";
import {makeTestModelCommand} from "./commands/makeTestModel";

/** Every CLI command, in the order `quantpilot --help` lists them. */
export const CLI_COMMANDS: readonly CliCommand[] = [
    makeTestModelCommand,
    inspectCommand,
    completeCommand
];
