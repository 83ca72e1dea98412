import {resolve} from "node:path";
import {inspectModelFile} from "../../engine/modelFile";
import {knownArchitectures} from "../../engine/nodeLlamaCpp";
import {formatBytes, formatCount} from "../../util/format";
import {onePositional, type CliCommand} from "../cliCommand";
import {engineStatus} from "./engine";

export const inspectCommand: CliCommand = {
    name: "inspect",
    summary: "describe a GGUF model from its header (no weights are loaded)",
    help: `Usage: quantpilot inspect FILE [--json]

Reads the model's header and checks it the way QuantPilot does before loading: architecture,
parameter count, quantization (file type), size, trained context length, whether it has
fill-in-the-middle tokens and whether its chat template supports tools.
`,
    options: {json: {type: "boolean"}},
    positionals: true,
    async run(args, io) {
        const path = resolve(onePositional(args, "a GGUF model file"));
        const facts = await inspectModelFile(path, await knownArchitectures(), io.signal);
        const summary = {
            path: facts.path,
            name: facts.name ?? null,
            architecture: facts.architecture,
            parameters: facts.parameters,
            fileType: facts.fileType ?? null,
            bitsPerWeight: Number(facts.bitsPerWeight.toFixed(3)),
            sizeBytes: facts.sizeBytes,
            contextLength: facts.contextLength ?? null,
            vocabularySize: facts.vocabularySize ?? null,
            fim: facts.fim != null,
            tools: facts.templateSupportsTools
        };
        if (args.values.json === true) {
            // Which engine would run it: prebuilt or local build, CPU variant, GPU backend, threads.
            const {engine, threads} = await engineStatus("auto", {threads: 0}, facts.sizeBytes);
            io.out(JSON.stringify({...summary, engine: {...engine, threads}}));
            return;
        }
        io.out([
            `${facts.fileName}${facts.name != null ? ` (${facts.name})` : ""}`,
            `  architecture   ${facts.architecture}`,
            `  parameters     ${formatCount(facts.parameters)}`,
            `  quantization   ${facts.fileType ?? "not stated"} (${facts.bitsPerWeight.toFixed(2)} bits/weight)`,
            `  size           ${formatBytes(facts.sizeBytes)}`,
            `  context        ${facts.contextLength ?? "not stated"} tokens`,
            `  FIM            ${facts.fim != null ? "yes" : "no"}`,
            `  tools          ${facts.templateSupportsTools ? "yes" : "no"}`
        ].join("\n"));
    }
};
