import {lstat, realpath} from "node:fs/promises";
import {basename, isAbsolute, join, normalize, relative, resolve, sep} from "node:path";
import {ToolError} from "./toolError";

export interface WorkspaceFolderRoot {
    /** The folder's name as VS Code shows it (used as a prefix in multi-root workspaces). */
    readonly name: string;
    /** Absolute path on disk. */
    readonly path: string;
}

/** A path inside the workspace, checked: lexically, and after following symbolic links. */
export interface ConfinedPath {
    readonly absolute: string;
    readonly root: WorkspaceFolderRoot;
    /** Relative to its workspace folder, with forward slashes: what the model is shown. */
    readonly relative: string;
}

/** Follows symbolic links; a seam so tests can check the confinement logic on any file system. */
export type RealPath = (path: string) => Promise<string>;

/**
 * Confines file tools to the workspace folders. A path the model gives is resolved against a
 * folder (relative paths; in a multi-root workspace `folderName/...` picks the folder) or taken
 * as is when absolute, then refused when it ends up outside every folder — lexically (`..`,
 * absolute paths elsewhere) or through a symbolic link that points out of the folder.
 */
export class WorkspacePaths {
    constructor(readonly roots: readonly WorkspaceFolderRoot[], private readonly realPath: RealPath = realpath) {}

    /** Resolves a path that must exist or whose parent folders must stay inside (for new files). */
    async resolve(requested: string): Promise<ConfinedPath> {
        const lexical = this.resolveLexically(requested);
        await this.checkLinks(lexical, requested);
        return lexical;
    }

    /** The path as the model should see it: relative to its folder, prefixed in multi-root workspaces. */
    display(path: ConfinedPath): string {
        const rel = path.relative === "" ? "." : path.relative;
        return this.roots.length > 1 ? `${path.root.name}/${rel === "." ? "" : rel}`.replace(/\/$/, "") : rel;
    }

    private resolveLexically(requested: string): ConfinedPath {
        if (this.roots.length === 0)
            throw new ToolError("No folder is open in VS Code, so there are no workspace files to use. Ask the user to open a folder.");
        const cleaned = requested.trim().replace(/\\/g, "/");
        if (cleaned === "" || cleaned.includes("\0"))
            throw new ToolError(`"${requested}" is not a usable path.`);
        const candidates = isAbsolute(cleaned) ? [normalize(cleaned)] : this.relativeCandidates(cleaned);
        for (const absolute of candidates) {
            const root = this.rootOf(absolute);
            if (root != null)
                return {absolute, root, relative: toPosix(relative(root.path, absolute))};
        }
        throw new ToolError(
            `"${requested}" is outside the workspace. Only files inside ${this.describeRoots()} can be used; give a path relative to it.`
        );
    }

    private relativeCandidates(cleaned: string): string[] {
        const [first, ...rest] = cleaned.split("/");
        const named = this.roots.length > 1 ? this.roots.find((r) => r.name === first) : undefined;
        if (named != null)
            return [resolve(named.path, rest.join("/"))];
        return this.roots.map((root) => resolve(root.path, cleaned));
    }

    private rootOf(absolute: string): WorkspaceFolderRoot | undefined {
        return this.roots.find((root) => isInside(root.path, absolute));
    }

    /** Follows links on the deepest part of the path that exists; it must stay inside the same folder. */
    private async checkLinks(path: ConfinedPath, requested: string): Promise<void> {
        const realRoot = await this.realPath(path.root.path).catch(() => path.root.path);
        let existing = path.absolute;
        let missing = "";
        for (;;) {
            try {
                const real = await this.realPath(existing);
                if (!isInside(realRoot, join(real, missing)))
                    throw new ToolError(`"${requested}" leads outside the workspace through a symbolic link, so it cannot be used.`);
                return;
            } catch (err) {
                if (err instanceof ToolError || !isMissing(err))
                    throw err instanceof ToolError ? err : new ToolError(`Cannot use "${requested}": ${(err as Error).message}`);
                if (existing === path.root.path)
                    return;
                // A link to nothing: following it later (to create a file or folder) would land wherever it points.
                if ((await lstat(existing).catch(() => undefined))?.isSymbolicLink() === true)
                    throw new ToolError(`"${requested}" goes through a symbolic link to something that does not exist, so it cannot be used.`);
                missing = missing === "" ? basename(existing) : join(basename(existing), missing);
                existing = resolve(existing, "..");
            }
        }
    }

    private describeRoots(): string {
        return this.roots.length === 1 ? `the workspace folder "${this.roots[0]!.name}"` :
            `the workspace folders (${this.roots.map((r) => `"${r.name}"`).join(", ")})`;
    }
}

/** Whether `path` is `root` or below it (lexically; both should be real paths for a real answer). */
export function isInside(root: string, path: string): boolean {
    const rel = relative(root, path);
    return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

function isMissing(err: unknown): boolean {
    const code = (err as {code?: unknown} | null)?.code;
    return code === "ENOENT" || code === "ENOTDIR";
}

function toPosix(path: string): string {
    return path.split(sep).join("/");
}
