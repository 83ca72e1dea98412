import type {Llama, LlamaLogLevel} from "node-llama-cpp";
import type {Logger} from "../util/logger";
import {loadNodeLlamaCpp} from "./nodeLlamaCpp";

export type GpuSetting = "auto" | "cpu" | "cuda" | "vulkan" | "metal";

export const GPU_SETTINGS: readonly GpuSetting[] = ["auto", "cpu", "cuda", "vulkan", "metal"];

/**
 * The process's one `Llama` (node-llama-cpp's handle on the llama.cpp backend). A different GPU
 * setting needs a different backend, so changing it makes a new one; the old one is disposed once
 * no model uses it.
 */
export class LlamaRuntime {
    private current: {gpu: GpuSetting; llama: Promise<Llama>} | undefined;

    constructor(private readonly log: Logger) {}

    get(gpu: GpuSetting): Promise<Llama> {
        if (this.current?.gpu === gpu)
            return this.current.llama;
        const llama = this.create(gpu);
        this.current = {gpu, llama};
        llama.catch(() => {
            if (this.current?.llama === llama)
                this.current = undefined;
        });
        return llama;
    }

    /** Disposes a backend the runtime no longer hands out (after a GPU setting change). */
    async release(llama: Llama): Promise<void> {
        if (this.current != null && (await this.current.llama.catch(() => undefined)) === llama)
            return;
        await llama.dispose();
    }

    async dispose(): Promise<void> {
        const current = this.current;
        this.current = undefined;
        const llama = await current?.llama.catch(() => undefined);
        await llama?.dispose();
    }

    private async create(gpu: GpuSetting): Promise<Llama> {
        const {getLlama} = await loadNodeLlamaCpp();
        const llama = await getLlama({
            gpu: gpu === "cpu" ? false : gpu,
            // Never compile in the extension host: a missing binary is an error, not a 10-minute build.
            build: "never",
            // 0 = no cap; every context passes an explicit thread count instead (see threads.ts).
            maxThreads: 0,
            logLevel: "warn" as LlamaLogLevel,
            logger: (level: LlamaLogLevel, message: string) => this.forward(level, message),
            progressLogs: false
        });
        const devices = await llama.getGpuDeviceNames().catch(() => []);
        if (llama.gpu === false)
            this.log.info(gpu === "cpu" ? "Running on the CPU (GPU disabled in settings)." : "No usable GPU found; running on the CPU.");
        else
            this.log.info(`Using the GPU through ${llama.gpu}: ${devices.join(", ") || "unnamed device"}.`);
        this.log.info(`llama.cpp backend: ${llama.buildType} build, ${llama.cpuMathCores} CPU math cores.`);
        return llama;
    }

    private forward(level: LlamaLogLevel, message: string): void {
        const text = message.trimEnd();
        if (text === "")
            return;
        switch (level as string) {
            case "fatal":
            case "error": this.log.error(`llama.cpp: ${text}`); break;
            case "warn": this.log.warn(`llama.cpp: ${text}`); break;
            case "info":
            case "log": this.log.debug(`llama.cpp: ${text}`); break;
            default: this.log.trace(`llama.cpp: ${text}`);
        }
    }
}
