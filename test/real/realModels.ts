import {execFile} from "node:child_process";
import {readFile} from "node:fs/promises";
import {join} from "node:path";
import {promisify} from "node:util";
import {REPO_ROOT} from "../helpers/paths";

/** One entry of the manifest scripts/fetch-real-models.sh writes (the fields the tier reads). */
export interface RealModel {
    readonly id: string;
    readonly role: "completion" | "instruct" | "reference";
    readonly path: string;
    readonly sha256: string;
    readonly sizeBytes: number;
    readonly name: string;
    readonly quantization: string;
    readonly fim: boolean;
    readonly tools: boolean;
    readonly license: string;
    readonly source: {readonly registry: string; readonly packages: readonly string[]};
}

export interface RealModels {
    readonly models: readonly RealModel[];
    /** The FIM coder every completion figure is measured on. */
    readonly completion: RealModel;
    /** The instruct model with tool calls. */
    readonly instruct: RealModel;
}

/**
 * Runs scripts/fetch-real-models.sh (cached and checksummed: seconds once fetched) and reads the
 * manifest it names. When the models cannot be had the script has printed its one line and this
 * throws; with QP_ALLOW_NO_REAL_MODELS=1 it returns undefined instead, and the caller skips.
 */
export async function fetchRealModels(): Promise<RealModels | undefined> {
    const script = join(REPO_ROOT, "scripts", "fetch-real-models.sh");
    let stdout: string;
    try {
        ({stdout} = await promisify(execFile)(script, [], {maxBuffer: 1 << 20, cwd: REPO_ROOT}));
    } catch (err) {
        const stderr = (err as {stderr?: string}).stderr ?? "";
        throw new Error(stderr.trim().split("\n").pop() ?? String(err), {cause: err});
    }
    const manifest = stdout.trim().split("\n").pop();
    if (manifest == null || manifest === "")
        return undefined;
    const {models} = JSON.parse(await readFile(manifest, "utf8")) as {models: RealModel[]};
    const byId = (pick: (m: RealModel) => boolean, what: string) => {
        const model = models.find(pick);
        if (model == null)
            throw new Error(`the real-model manifest has no ${what}`);
        return model;
    };
    return {
        models,
        completion: byId((m) => m.id === "qwen2.5-coder-0.5b-instruct-q4_k_m", "Qwen2.5-Coder 0.5B (completion model)"),
        instruct: byId((m) => m.role === "instruct" && m.tools, "instruct model with tools")
    };
}
