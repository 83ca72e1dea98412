import type {Llama, LlamaLogLevel} from "node-llama-cpp";
import type {Logger} from "../util/logger";
import {describeBuildGpu} from "./build/buildGpu";
import {LocalEngineBuilds, PREBUILT_SLOT, slotCmakeOptions, type EngineBuildRecord, type EngineSlot} from "./build/localEngineBuilds";
import type {EngineBuildSetting, GpuSetting} from "./engineSettings";
import {loadNodeLlamaCpp} from "./nodeLlamaCpp";

/** Which engine the current backend is, and why: for `inspect`, the panel and the log. */
export interface EngineSelection {
    readonly setting: EngineBuildSetting;
    /** node-llama-cpp's build type of the backend in use. */
    readonly build: "prebuilt" | "localBuild";
    /** QuantPilot's local build in use, when `build` is "localBuild". */
    readonly localBuild?: EngineBuildRecord;
    /** Set when QuantPilot's local build exists but could not be loaded, so the prebuilt engine runs instead. */
    readonly localBuildProblem?: string;
}

export interface LlamaRuntimeOptions {
    /** Default "auto". */
    readonly engineBuild?: EngineBuildSetting;
    /** Default: node-llama-cpp's own localBuilds folder. */
    readonly builds?: LocalEngineBuilds;
    /** Load this slot's build whatever the setting says: for comparing a new build before it is activated. */
    readonly forceSlot?: EngineSlot;
}

/**
 * The process's one `Llama` (node-llama-cpp's handle on the llama.cpp backend). A different GPU
 * or engine-build setting needs a different backend, so changing it makes a new one; the old one
 * is disposed once no model uses it.
 */
export class LlamaRuntime {
    private current: {gpu: GpuSetting; engineBuild: EngineBuildSetting; llama: Promise<Llama>} | undefined;
    private engineBuild: EngineBuildSetting;
    private readonly builds: LocalEngineBuilds;
    private readonly forceSlot: EngineSlot | undefined;
    private selection: EngineSelection | undefined;

    constructor(private readonly log: Logger, options: LlamaRuntimeOptions = {}) {
        this.engineBuild = options.engineBuild ?? "auto";
        this.builds = options.builds ?? new LocalEngineBuilds();
        this.forceSlot = options.forceSlot;
    }

    /** The engine of the last backend created; undefined before the first. */
    get engine(): EngineSelection | undefined {
        return this.selection;
    }

    /** The engine-build setting the next backend is made with (the model guard's probe uses the same). */
    get engineBuildSetting(): EngineBuildSetting {
        return this.engineBuild;
    }

    /** Takes effect for the next backend (the next model load). */
    setEngineBuild(setting: EngineBuildSetting): void {
        this.engineBuild = setting;
    }

    get(gpu: GpuSetting): Promise<Llama> {
        if (this.current?.gpu === gpu && this.current.engineBuild === this.engineBuild)
            return this.current.llama;
        const llama = this.create(gpu, this.engineBuild);
        this.current = {gpu, engineBuild: this.engineBuild, llama};
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

    private async create(gpu: GpuSetting, engineBuild: EngineBuildSetting): Promise<Llama> {
        const {getLlama} = await loadNodeLlamaCpp();
        const wanted = engineBuild === "auto" ? this.builds.active() : undefined;
        const forcedFolder = this.forceSlot != null ? this.builds.foldersOfSlot(this.forceSlot)[0] : undefined;
        const folder = forcedFolder ?? wanted?.folder;
        const llama = await getLlama({
            gpu: gpu === "cpu" ? false : gpu,
            // Never compile here: building is an explicit, cancellable user action (engine/build/).
            build: "never",
            // Selects QuantPilot's local build by the options it was built with (getLlama looks builds up
            // by them), or forces the prebuilt binaries with a slot that never exists.
            cmakeOptions: (folder != null ? this.builds.cmakeOptionsOf(folder) : undefined) ?? slotCmakeOptions(PREBUILT_SLOT),
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
        this.selection = this.selectionOf(llama, engineBuild, wanted);
        this.log.info(`llama.cpp backend: ${describeSelection(this.selection)}, ${llama.cpuMathCores} CPU math cores.`);
        if (this.selection.localBuildProblem != null)
            this.log.warn(this.selection.localBuildProblem);
        return llama;
    }

    private selectionOf(llama: Llama, setting: EngineBuildSetting, wanted: EngineBuildRecord | undefined): EngineSelection {
        if (this.forceSlot != null)
            return {setting, build: llama.buildType};
        if (llama.buildType === "localBuild" && wanted != null)
            return {setting, build: "localBuild", localBuild: wanted};
        const record = setting === "auto" ? wanted ?? this.builds.activeRecord() : undefined;
        // A local build for another backend (e.g. a CPU build while a CUDA prebuilt runs) is expected to be skipped.
        if (record == null || llama.gpu !== record.gpu)
            return {setting, build: llama.buildType};
        return {
            setting, build: llama.buildType,
            localBuildProblem: `QuantPilot's local engine build (${describeBuildGpu(record.gpu)}, ${record.folder}) could not be loaded, ` +
                "so the prebuilt engine is used. Its files may be damaged or incomplete; building the engine again replaces it."
        };
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

export function describeSelection(selection: EngineSelection): string {
    if (selection.build === "localBuild")
        return `local build made on this machine${selection.localBuild != null ? ` (${selection.localBuild.builtAt.slice(0, 10)})` : ""}`;
    return selection.setting === "prebuilt" ? "prebuilt binaries (as set in quantpilot.engine.build)" : "prebuilt binaries";
}
