import type {CliCommand} from "./cliCommand";
import {abCommand} from "../ab/cli/abCommand";
import {checkCommand} from "./commands/check";
import {completeCommand} from "./commands/complete";
import {engineCommand} from "./commands/engine";
import {inspectCommand} from "./commands/inspect";
import {makeTestModelCommand} from "./commands/makeTestModel";
import {quantizeCommand} from "./commands/quantize";
import {toolsEvalCommand} from "./commands/toolsEval";

/** Every CLI command, in the order `quantpilot --help` lists them. */
export const CLI_COMMANDS: readonly CliCommand[] = [
    makeTestModelCommand,
    inspectCommand,
    checkCommand,
    quantizeCommand,
    completeCommand,
    engineCommand,
    toolsEvalCommand,
    abCommand
];
