import {resolve} from "node:path";
import {makeGeneratedModel} from "../../gguf/generatedModel";
import {isGeneratedModelPreset, GENERATED_MODEL_PRESETS} from "../../gguf/generatedModelPresets";
import {BundledLlamaSource} from "../../llamaSource/bundledSource";
import {formatBytes, formatCount} from "../../util/format";
import {cliCacheDir} from "../cacheDir";
import {integerOption, requiredString, stringOption, UsageError, type CliCommand} from "../cliCommand";

const presetNames = Object.keys(GENERATED_MODEL_PRESETS).join("|");

export const makeTestModelCommand: CliCommand = {
    name: "make-test-model",
    summary: "write a GGUF model with seeded random weights (for tests and offline demos)",
    help: `Usage: quantpilot make-test-model --out FILE [--preset ${presetNames}] [--seed N] [--type f16|f32] [--json]

Writes a GGUF v3 model with random weights but a real tokenizer, real FIM tokens and a real
chat template, so the engine takes the same paths as with a real model. Its output is
meaningless text. The same seed always writes a byte-identical file.

Presets:
${Object.entries(GENERATED_MODEL_PRESETS).map(([name, p]) => `  ${name.padEnd(11)} ${p.description}`).join("\n")}
`,
    options: {
        out: {type: "string"},
        preset: {type: "string"},
        seed: {type: "string"},
        type: {type: "string"},
        json: {type: "boolean"}
    },
    positionals: false,
    async run(args, io) {
        const outPath = resolve(requiredString(args, "out"));
        const preset = stringOption(args, "preset") ?? "tiny";
        if (!isGeneratedModelPreset(preset))
            throw new UsageError(`--preset must be one of ${presetNames}, not "${preset}"`);
        const weightType = stringOption(args, "type") ?? "f16";
        if (weightType !== "f16" && weightType !== "f32")
            throw new UsageError(`--type must be f16 or f32, not "${weightType}"`);
        const seed = integerOption(args, "seed", 0, 0xffffffff) ?? 1;
        const startedAt = performance.now();
        const info = await makeGeneratedModel({
            outPath, preset, seed, weightType, source: new BundledLlamaSource(cliCacheDir()), signal: io.signal
        });
        const seconds = (performance.now() - startedAt) / 1000;
        if (args.values.json === true)
            io.out(JSON.stringify({path: info.path, preset, seed, type: weightType, sizeBytes: info.sizeBytes, parameters: info.parameters, seconds}));
        else
            io.out(`Wrote ${info.path}: ${preset}, ${formatCount(info.parameters)} parameters, ${formatBytes(info.sizeBytes)}, seed ${seed} (${seconds.toFixed(1)} s)`);
    }
};
