import {existsSync} from "node:fs";
import {mkdir} from "node:fs/promises";
import {join} from "node:path";
import {makeGeneratedModel} from "../../src/gguf/generatedModel";
import type {GeneratedModelPreset} from "../../src/gguf/generatedModelPresets";
import {BundledLlamaSource} from "../../src/llamaSource/bundledSource";
import {CACHE_DIR} from "./paths";

export const llamaSource = new BundledLlamaSource(join(CACHE_DIR, "llama-src"));

const pending = new Map<string, Promise<string>>();

/**
 * A generated model, written once per (preset, seed, type) into the ignored cache and reused
 * by every test. Generation is deterministic, so a cached file is the file a fresh run writes.
 */
export function testModel(preset: GeneratedModelPreset = "tiny", seed = 1, weightType: "f16" | "f32" = "f16"): Promise<string> {
    const key = `${preset}-s${seed}-${weightType}`;
    let path = pending.get(key);
    if (path == null) {
        path = (async () => {
            const dir = join(CACHE_DIR, "test-models");
            await mkdir(dir, {recursive: true});
            const out = join(dir, `${key}.gguf`);
            if (!existsSync(out))
                await makeGeneratedModel({outPath: out, preset, seed, weightType, source: llamaSource});
            return out;
        })();
        pending.set(key, path);
    }
    return path;
}

/**
 * The third-party GGUF made outside this project (llama architecture, SentencePiece, no FIM, no
 * chat template), when the machine has it; tests that need it skip with a reason otherwise.
 */
export function thirdPartyFixture(): string | undefined {
    const path = process.env.QUANTPILOT_FIXTURE ?? join(__dirname, "..", "..", "..", "shared", "fixtures", "llama-2-tiny-random.gguf");
    return existsSync(path) ? path : undefined;
}

/**
 * A generated model quantized with QuantPilot's quantizer, cached beside the generated ones, for
 * benchmarks and tests that need a real quantization level (Q4_K_M, Q8_0, ...).
 */
export async function quantizedTestModel(preset: GeneratedModelPreset, type: string, seed = 1): Promise<string> {
    const dir = join(CACHE_DIR, "test-models", "variants");
    await mkdir(dir, {recursive: true});
    const path = join(dir, `${preset}-s${seed}-${type}.gguf`);
    if (!existsSync(path)) {
        const {quantizeModel} = await import("../../src/quant/quantize");
        await quantizeModel({inputPath: await testModel(preset, seed), outputPath: path, type});
    }
    return path;
}

/**
 * A random LoRA adapter for a base model (see src/gguf/generatedAdapter.ts), written once per
 * (base, seed, rank) into a folder of the caller's; deterministic like the models.
 */
export async function testAdapter(basePath: string, dir: string, seed = 1, rank = 4): Promise<string> {
    const {makeRandomAdapter} = await import("../../src/gguf/generatedAdapter");
    const base = basePath.split(/[\\/]/).pop()!.replace(/\.gguf$/, "");
    const out = join(dir, `${base}-lora-s${seed}-r${rank}.gguf`);
    if (!existsSync(out))
        await makeRandomAdapter({basePath, outPath: out, seed, rank});
    return out;
}
