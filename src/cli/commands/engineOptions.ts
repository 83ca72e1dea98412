import {join} from "node:path";
import {GPU_SETTINGS, type GpuSetting} from "../../engine/engineSettings";
import type {ThreadSettings} from "../../threads/decideThreads";
import {cliCacheDir} from "../cacheDir";
import {UsageError, integerOption, stringOption, type ParsedArgs} from "../cliCommand";

/** Where the CLI keeps thread measurements (the extension keeps its own in its storage folder). */
export function threadCacheFile(): string {
    return join(cliCacheDir(), "thread-policy.json");
}

/** Where the CLI writes the engine build log. */
export function buildLogFile(): string {
    return join(cliCacheDir(), "engine-build.log");
}

/** The thread flags' names, for the policy's notes. */
export const THREAD_FLAG_NAMES = {threads: "--threads", prompt: "--prompt-threads", decode: "--decode-threads"};

/** --threads, --prompt-threads and --decode-threads as the thread policy's settings (0 = choose). */
export function threadSettingsFromArgs(args: ParsedArgs): ThreadSettings {
    return {
        threads: integerOption(args, "threads", 0, 1024) ?? 0,
        prompt: integerOption(args, "prompt-threads", 0, 1024) ?? 0,
        decode: integerOption(args, "decode-threads", 0, 1024) ?? 0
    };
}

export function gpuOption(args: ParsedArgs, fallback: GpuSetting): GpuSetting {
    const value = stringOption(args, "gpu") ?? fallback;
    if (!(GPU_SETTINGS as readonly string[]).includes(value))
        throw new UsageError(`--gpu must be one of ${GPU_SETTINGS.join(", ")}, not "${value}"`);
    return value as GpuSetting;
}
