import {resolve} from "node:path";
import {guardModelFile, type GuardedModelFile} from "../../engine/guard/guardModelFile";
import {ModelRejectedError} from "../../engine/guard/modelRejectedError";
import {stderrLogger} from "../../util/logger";
import {onePositional, type CliCommand} from "../cliCommand";
import {gpuOption} from "./engineOptions";

export const checkCommand: CliCommand = {
    name: "check",
    summary: "check a GGUF model the way the editor does before loading it (exit 1 if it must not be loaded)",
    help: `Usage: quantpilot check MODEL [--json] [--gpu auto|cpu|cuda|vulkan|metal]

Runs QuantPilot's model guard, the same one in front of every model the editor, the CLI and
the A/B comparison load: the header is checked (format, hyper-parameters against the tensors,
tokenizer, chat template), then a file not seen before is loaded in a short-lived child process
(weights, one decode step, tokenizing, the chat template) under time and memory limits. The
verdict is remembered by file identity, so checking a known file again is instant.

Exit code 0: the file may be loaded. Exit code 1: it must not be (the reason is on stderr).

  --json   print one JSON object: { "path", "accepted", "reason", "verdictSource",
           "chatTemplateNotice", "architecture", "fileType", ... }
  --gpu    the backend to check with (default auto)
`,
    options: {json: {type: "boolean"}, gpu: {type: "string"}},
    positionals: true,
    async run(args, io) {
        const path = resolve(onePositional(args, "a GGUF model file"));
        const json = args.values.json === true;
        let facts: GuardedModelFile;
        try {
            facts = await guardModelFile(path, {gpu: gpuOption(args, "auto"), signal: io.signal, log: stderrLogger(false)});
        } catch (err) {
            if (err instanceof ModelRejectedError)
                io.out(json ? JSON.stringify({path, accepted: false, reason: err.reason}) : `refused   ${path}`);
            throw err;
        }
        if (json) {
            io.out(JSON.stringify({
                path, accepted: true, verdictSource: facts.verdictSource, chatTemplateNotice: facts.chatTemplateNotice ?? null,
                architecture: facts.architecture, fileType: facts.fileType ?? null, parameters: facts.parameters, sizeBytes: facts.sizeBytes
            }));
            return;
        }
        io.out([
            `accepted  ${path}`,
            `  model          ${facts.architecture}, ${facts.fileType ?? "type not stated"}`,
            `  checked by     ${facts.verdictSource === "cache" ? "an earlier check (file unchanged)" : facts.verdictSource === "probe" ? "header checks and a trial load" : "header checks only"}`,
            ...(facts.chatTemplateNotice != null ? [`  chat template  ${facts.chatTemplateNotice}`] : [])
        ].join("\n"));
    }
};
