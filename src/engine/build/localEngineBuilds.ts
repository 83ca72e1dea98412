import {existsSync, readFileSync, readdirSync} from "node:fs";
import {mkdir, rename, rm, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {nodeLlamaCppDir} from "../../llamaSource/nodeLlamaCppPackage";
import type {BuildGpu} from "./buildGpu";

/**
 * A cmake option with no effect on the code that tags QuantPilot's builds. node-llama-cpp files
 * each local build under a folder named after its platform, GPU and custom cmake options, and
 * `getLlama` looks for the folder matching the options it is given. So:
 * - QuantPilot's builds never collide with a build someone made by hand (`source download`);
 * - two slots ("a", "b") let a new build go beside the working one, which stays untouched until
 *   the new one has finished and won the comparison;
 * - the slot "none" never exists, which is how the prebuilt engine is forced (see engineSelection).
 */
export const SLOT_CMAKE_OPTION = "QUANTPILOT_ENGINE_SLOT";
export const PREBUILT_SLOT = "none";
export type EngineSlot = string;

/** What QuantPilot remembers about the local build it uses. */
export interface EngineBuildRecord {
    readonly slot: EngineSlot;
    readonly gpu: BuildGpu;
    /** The folder under localBuilds/ (for the log and cleanup). */
    readonly folder: string;
    readonly builtAt: string;
    /** How it compared with the prebuilt engine, e.g. "prompt 1.84x, generation 1.05x faster than prebuilt". */
    readonly comparison?: string;
}

interface StateFile {
    readonly active?: EngineBuildRecord;
}

const STATE_FILE = "quantpilot-engine.json";
const BUILD_DIR = "Release";

/**
 * QuantPilot's engine builds inside node-llama-cpp's own `llama/localBuilds` folder (the only
 * place `getLlama` loads local builds from), and a small state file there naming the active one.
 */
export class LocalEngineBuilds {
    readonly stateFile: string;

    /** `stateFile` defaults to a file in `dir`; tests point it elsewhere. */
    constructor(readonly dir: string = join(nodeLlamaCppDir(), "llama", "localBuilds"), stateFile?: string) {
        this.stateFile = stateFile ?? join(dir, STATE_FILE);
    }

    /** The active build, if its files are complete. */
    active(): EngineBuildRecord | undefined {
        const record = this.readState().active;
        return record != null && this.isComplete(record.folder) ? record : undefined;
    }

    /** The active record even when its files are damaged or gone (to report that). */
    activeRecord(): EngineBuildRecord | undefined {
        return this.readState().active;
    }

    /** The slot a new build goes to: never the active one. */
    nextSlot(): EngineSlot {
        return this.readState().active?.slot === "a" ? "b" : "a";
    }

    async setActive(record: EngineBuildRecord | undefined): Promise<void> {
        await mkdir(this.dir, {recursive: true});
        const temp = `${this.stateFile}.tmp-${process.pid}`;
        await writeFile(temp, JSON.stringify(record == null ? {} : {active: record}, null, 2) + "\n", "utf8");
        await rename(temp, this.stateFile);
    }

    /** The folder holding a complete build of `slot` for `gpu`, found through node-llama-cpp's build metadata. */
    folderOf(slot: EngineSlot, gpu: BuildGpu): string | undefined {
        return this.entries().find((name) => {
            const options = this.metadataOf(name);
            return options != null && options.customCmakeOptions?.[SLOT_CMAKE_OPTION] === slot && (options.gpu ?? false) === gpu;
        });
    }

    /**
     * The custom cmake options a build was made with, from node-llama-cpp's metadata. `getLlama`
     * finds a local build by these options, so they are passed back exactly.
     */
    cmakeOptionsOf(folder: string): Record<string, string> | undefined {
        return this.metadataOf(folder)?.customCmakeOptions;
    }

    /** The folders (any state) that belong to `slot`, found through the build metadata. */
    foldersOfSlot(slot: EngineSlot): string[] {
        return this.entries().filter((name) => this.metadataOf(name)?.customCmakeOptions?.[SLOT_CMAKE_OPTION] === slot);
    }

    /** The same three files node-llama-cpp checks before it loads a local build. */
    isComplete(folder: string): boolean {
        const root = join(this.dir, folder);
        return existsSync(join(root, BUILD_DIR, "llama-addon.node")) &&
            existsSync(join(root, BUILD_DIR, "_nlcBuildMetadata.json")) &&
            existsSync(join(root, "buildDone.status"));
    }

    /** Names in localBuilds/ other than the state file. */
    entries(): string[] {
        try {
            return readdirSync(this.dir).filter((name) => !name.startsWith(STATE_FILE));
        } catch {
            return [];
        }
    }

    async remove(name: string): Promise<void> {
        if (name === "" || name === "." || name === ".." || name.includes("/") || name.includes("\\") || name.startsWith(STATE_FILE))
            throw new Error(`refusing to remove "${name}" from ${this.dir}`);
        await rm(join(this.dir, name), {recursive: true, force: true});
    }

    private metadataOf(folder: string): {customCmakeOptions?: Record<string, string>; gpu?: BuildGpu} | undefined {
        try {
            const text = readFileSync(join(this.dir, folder, BUILD_DIR, "_nlcBuildMetadata.json"), "utf8");
            return (JSON.parse(text) as {buildOptions?: {customCmakeOptions?: Record<string, string>; gpu?: BuildGpu}}).buildOptions;
        } catch {
            return undefined;
        }
    }

    private readState(): StateFile {
        try {
            const parsed = JSON.parse(readFileSync(this.stateFile, "utf8")) as StateFile;
            return parsed.active != null && typeof parsed.active.slot === "string" && typeof parsed.active.folder === "string" ? parsed : {};
        } catch {
            return {};
        }
    }
}

/** The cmake options that make `getLlama` pick the slot's local build (or, for "none", the prebuilt one). */
export function slotCmakeOptions(slot: EngineSlot): Record<string, string> {
    return {[SLOT_CMAKE_OPTION]: slot};
}
