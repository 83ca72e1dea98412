import {dirname, resolve} from "node:path";
import {recordQuantizeDir} from "../../quant/partialFiles";
import {quantizeModel} from "../../quant/quantize";
import {offeredQuantTypes} from "../../quant/quantTypes";
import {formatBytes} from "../../util/format";
import {integerOption, onePositional, requiredString, type CliCommand} from "../cliCommand";
import {cliStateDir} from "../cliLeftovers";

export const quantizeCommand: CliCommand = {
    name: "quantize",
    summary: "convert a GGUF model to another llama.cpp quantization type",
    help: `Usage: quantpilot quantize IN --type TYPE --out OUT [--threads N] [--allow-requantize] [--overwrite] [--json]

Quantizes IN (an F32, F16 or BF16 GGUF) to TYPE with llama.cpp's own quantizer, from the
libllama that node-llama-cpp ships; the result is byte-identical to llama-quantize of the same
llama.cpp release. OUT is written under a temporary name (OUT.<pid>.partial) and renamed when
complete; Ctrl+C, SIGTERM and SIGHUP stop the quantizer and remove the partial file, and the
next start of quantpilot removes one that a SIGKILL left.

Types that need no importance matrix:
  ${offeredQuantTypes().map((t) => t.name).join(", ")}

Options:
  --threads N          threads to quantize with (default: physical cores)
  --allow-requantize   accept an input that is already quantized (loses quality)
  --overwrite          replace OUT if it exists
  --json               print one JSON object: input/output size, type, bits per weight, seconds
`,
    options: {
        type: {type: "string"},
        out: {type: "string"},
        threads: {type: "string"},
        "allow-requantize": {type: "boolean"},
        overwrite: {type: "boolean"},
        json: {type: "boolean"}
    },
    positionals: true,
    async run(args, io) {
        const inputPath = resolve(onePositional(args, "an input GGUF file"));
        const type = requiredString(args, "type");
        const outputPath = resolve(requiredString(args, "out"));
        const threads = integerOption(args, "threads", 1, 1024);
        const json = args.values.json === true;
        // Remembered so that the next start sweeps what a kill leaves there (see cliLeftovers.ts).
        await recordQuantizeDir(cliStateDir(), dirname(outputPath)).catch(() => undefined);
        let shown = -1;
        const result = await quantizeModel({
            inputPath, outputPath, type,
            ...(threads != null ? {threads} : {}),
            allowRequantize: args.values["allow-requantize"] === true,
            overwrite: args.values.overwrite === true,
            signal: io.signal,
            onProgress: (fraction) => {
                const percent = Math.floor(fraction * 10) * 10;
                if (!json && percent > shown) {
                    shown = percent;
                    io.note(`quantizing: ${percent}%`);
                }
            }
        });
        if (json) {
            io.out(JSON.stringify(result));
            return;
        }
        io.out([
            `${result.outputPath}`,
            `  type           ${result.type} (${result.bitsPerWeight.toFixed(2)} bits/weight)`,
            `  input          ${formatBytes(result.inputBytes)}`,
            `  output         ${formatBytes(result.outputBytes)} (${(100 * result.outputBytes / result.inputBytes).toFixed(1)} % of the input)`,
            `  time           ${result.seconds.toFixed(1)} s`
        ].join("\n"));
    }
};
