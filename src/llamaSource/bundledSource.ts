import {execFile} from "node:child_process";
import {existsSync} from "node:fs";
import {mkdir, rename, rm} from "node:fs/promises";
import {join} from "node:path";
import {promisify} from "node:util";
import {bundledLlamaCppRelease, type BundledLlamaCppRelease} from "./nodeLlamaCppPackage";

const run = promisify(execFile);

/** Reading the bundled llama.cpp source needs git; this says so instead of failing obscurely. */
export class GitMissingError extends Error {
    override readonly name = "GitMissingError";
}

/**
 * Read access to the llama.cpp source that node-llama-cpp ships as a git bundle. The bundle is
 * cloned once (bare, ~2 s) into `cacheDir`; files are then read with `git show`. Real tokenizers
 * and chat templates come from here, so the project never commits copies of them.
 */
export class BundledLlamaSource {
    private ready: Promise<string> | undefined;

    constructor(
        private readonly cacheDir: string,
        readonly release: BundledLlamaCppRelease = bundledLlamaCppRelease()
    ) {}

    async readFile(relativePath: string): Promise<Buffer> {
        const gitDir = await this.gitDir();
        try {
            const {stdout} = await run("git", ["--git-dir", gitDir, "show", `HEAD:${relativePath}`], {
                encoding: "buffer",
                maxBuffer: 256 << 20
            });
            return stdout;
        } catch (err) {
            throw new Error(`llama.cpp ${this.release.tag} source has no file ${relativePath}: ${firstLine(err)}`, {cause: err});
        }
    }

    async readText(relativePath: string): Promise<string> {
        return (await this.readFile(relativePath)).toString("utf8");
    }

    /** A bare repository of the bundle, made once per release tag. */
    gitDir(): Promise<string> {
        this.ready ??= this.cloneOnce().catch((err: unknown) => {
            this.ready = undefined;
            throw err;
        });
        return this.ready;
    }

    private async cloneOnce(): Promise<string> {
        const gitDir = join(this.cacheDir, `llama.cpp-${this.release.tag}.git`);
        if (existsSync(join(gitDir, "HEAD")))
            return gitDir;
        await ensureGit();
        await mkdir(this.cacheDir, {recursive: true});
        // Clone beside the final name and rename, so a crash never leaves a half repository.
        const temp = `${gitDir}.tmp-${process.pid}`;
        await rm(temp, {recursive: true, force: true});
        try {
            await run("git", ["clone", "--quiet", "--bare", this.release.bundlePath, temp]);
            await rename(temp, gitDir);
        } catch (err) {
            await rm(temp, {recursive: true, force: true});
            if (existsSync(join(gitDir, "HEAD")))
                return gitDir; // another process won the race
            throw new Error(`could not unpack llama.cpp's source bundle: ${firstLine(err)}`, {cause: err});
        }
        return gitDir;
    }
}

async function ensureGit(): Promise<void> {
    try {
        await run("git", ["--version"]);
    } catch {
        throw new GitMissingError(
            "git is needed to read the llama.cpp source that node-llama-cpp ships; install git and try again"
        );
    }
}

function firstLine(err: unknown): string {
    const stderr = (err as {stderr?: Buffer | string}).stderr?.toString().trim();
    const text = stderr != null && stderr !== "" ? stderr : String((err as Error)?.message ?? err);
    return text.split("\n")[0]!;
}
