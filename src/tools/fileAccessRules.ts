import {constants, type BigIntStats} from "node:fs";
import {lstat, mkdir, open, realpath, stat, unlink, type FileHandle} from "node:fs/promises";
import {basename, dirname, join, relative, sep} from "node:path";
import {ToolError} from "./toolError";
import {isInside, type ConfinedPath} from "./workspacePaths";

/*
 * The rules every tool environment follows when it touches a workspace file, in one place so the
 * Node environment (tests, CLI) and the VS Code one cannot drift apart:
 * - only regular files are read or written: a named pipe, a device or a socket is refused after
 *   an lstat/fstat, and every open is non-blocking, so a pipe can never hang the host;
 * - a file with more than one hard link is refused: its other names may be outside the workspace;
 * - a dangling symbolic link is refused, and nothing is ever created through one;
 * - a write resolves the path again at write time (after the user's approval): it opens the real
 *   path without following a link in its last part, then checks that the open file is the one
 *   whose real path is inside the workspace, so a link swapped in during the review is caught.
 */

/** 0 where the platform has no such flag (Windows): the fstat checks still apply there. */
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;
const NON_BLOCK = constants.O_NONBLOCK ?? 0;

/** What is at a path, without following a link in its last part more than once. */
export type PathKind = "missing" | "file" | "directory" | "pipe" | "device" | "socket" | "dangling-link";

/** Describes what is at `absolute` (a link is followed; a link to nothing is "dangling-link"). */
export async function pathKind(absolute: string): Promise<PathKind> {
    const own = await lstat(absolute).catch(missingAsUndefined);
    if (own == null)
        return "missing";
    const target = own.isSymbolicLink() ? await stat(absolute).catch(missingAsUndefined) : own;
    if (target == null)
        return "dangling-link";
    if (target.isFile())
        return "file";
    if (target.isDirectory())
        return "directory";
    if (target.isFIFO())
        return "pipe";
    return target.isSocket() ? "socket" : "device";
}

/**
 * Checks that an existing path may be read or edited: a regular file with one link whose real
 * path is inside the workspace. Returns its size. Never opens the file, so it cannot block.
 */
export async function checkExistingFile(path: ConfinedPath, display: string): Promise<number> {
    const kind = await pathKind(path.absolute);
    if (kind === "directory")
        throw new ToolError(`${display} is a folder; use listDirectory to see what is in it.`);
    if (kind !== "file")
        throw kindError(kind, display);
    const info = await stat(path.absolute, {bigint: true});
    checkRegular(info, display);
    await realInside(path, display);
    return Number(info.size);
}

/** Refuses a path a new file cannot be created at: anything already there, or a link. */
export async function checkCreatable(path: ConfinedPath, display: string): Promise<void> {
    const kind = await pathKind(path.absolute);
    if (kind === "file" || kind === "directory")
        throw new ToolError(`${display} already exists. Use editFile to change it.`);
    if (kind !== "missing")
        throw kindError(kind, display);
}

/** Reads an existing workspace file under the rules above; refuses files over `maxBytes`. */
export async function readWorkspaceFile(path: ConfinedPath, display: string, maxBytes: number): Promise<Uint8Array> {
    const size = await checkExistingFile(path, display);
    if (size > maxBytes)
        throw new ToolError(`${display} is ${(size / (1 << 20)).toFixed(1)} MB, too large to read. Search it with searchText instead.`);
    const handle = await openVerified(path, display, constants.O_RDONLY);
    try {
        return await readAll(handle, maxBytes, display);
    } finally {
        await handle.close();
    }
}

/**
 * Replaces the text of an existing file, resolved again now: the open file must still be the
 * workspace file and still hold `before` (what the user reviewed), else nothing is written.
 * The file is rewritten in place, so its permissions and identity stay; a leading BOM is kept.
 */
export async function rewriteWorkspaceFile(path: ConfinedPath, display: string, before: string, after: string): Promise<void> {
    await checkExistingFile(path, display);
    const handle = await openVerified(path, display, constants.O_RDWR);
    try {
        const current = await readAll(handle, Number.MAX_SAFE_INTEGER, display);
        const hasBom = current[0] === 0xef && current[1] === 0xbb && current[2] === 0xbf;
        if (new TextDecoder("utf-8").decode(current.subarray(hasBom ? 3 : 0)) !== before)
            throw new ToolError(`${display} changed while the edit waited for approval, so it was not applied. Read the file again.`);
        const bytes = Buffer.from((hasBom ? "\uFEFF" : "") + after, "utf8");
        await handle.truncate(0);
        await handle.write(bytes, 0, bytes.length, 0);
    } finally {
        await handle.close();
    }
}

/**
 * Creates a new file, resolved again now: missing folders are made one at a time (a link met on
 * the way must stay inside), the file is created exclusively and without following a link, and
 * it is checked to be inside the workspace before any byte is written.
 */
export async function createWorkspaceFile(path: ConfinedPath, display: string, content: string): Promise<void> {
    await checkCreatable(path, display);
    await makeParents(path, display);
    const handle = await open(path.absolute, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NO_FOLLOW | NON_BLOCK, 0o666)
        .catch((err: unknown) => {
            throw code(err) === "EEXIST" ? new ToolError(`${display} appeared while the change waited for approval; nothing was written. Use editFile to change it.`) :
                new ToolError(`Cannot create ${display}: ${(err as Error).message}`);
        });
    try {
        await verifyOpen(handle, path, display);
    } catch (err) {
        await handle.close();
        await unlinkIfSame(path.absolute, handle);
        throw err;
    }
    try {
        const bytes = Buffer.from(content, "utf8");
        await handle.write(bytes, 0, bytes.length, 0);
    } finally {
        await handle.close();
    }
}

/**
 * Why a write to this path needs the user's explicit confirmation, in words; empty when it does
 * not. Writing into `.git/` can change hooks and config that run programs on the next git command.
 * The name is compared the way case-insensitive and Unicode-normalising file systems do.
 */
export async function writeDangers(path: ConfinedPath): Promise<string[]> {
    const real = await realOfDeepest(path.absolute);
    const realRoot = await realpath(path.root.path).catch(() => path.root.path);
    const segments = [...path.relative.split("/"), ...(isInside(realRoot, real) ? relative(realRoot, real).split(sep) : [])];
    return segments.some(isGitDirName)
        ? ["writes inside .git/, the repository's own data: hooks and settings there run programs on your next git command"]
        : [];
}

/** `.git` however a file system may spell it: any case, NFD, ignorable code points, trailing dots or spaces, the 8.3 name. */
export function isGitDirName(segment: string): boolean {
    const folded = segment.normalize("NFC").replace(/[\u200B-\u200F\u202A-\u202E\u2060-\u206F\uFEFF]/g, "").replace(/[. ]+$/, "").toLowerCase();
    return folded === ".git" || folded === "git~1";
}

/** Whether a file found while walking the workspace may be read (search): a regular file with one link. */
export function isReadableWalkedFile(info: {isFile(): boolean; nlink: number | bigint}): boolean {
    return info.isFile() && Number(info.nlink) <= 1;
}

async function openVerified(path: ConfinedPath, display: string, flags: number): Promise<FileHandle> {
    const real = await realInside(path, display);
    const handle = await open(real, flags | NO_FOLLOW | NON_BLOCK).catch((err: unknown) => {
        throw code(err) === "ELOOP" || code(err) === "ENOENT"
            ? new ToolError(`${display} was replaced while the tool ran (now ${code(err) === "ELOOP" ? "a symbolic link" : "missing"}), so it was not used.`)
            : new ToolError(`Cannot open ${display}: ${(err as Error).message}`);
    });
    try {
        await verifyOpen(handle, path, display);
        return handle;
    } catch (err) {
        await handle.close();
        throw err;
    }
}

/**
 * The open file must be a regular file with one link, and the same file as the one the path's
 * real path names inside the workspace now. With one link, that name is its only one, so the
 * open file cannot be anything outside.
 */
async function verifyOpen(handle: FileHandle, path: ConfinedPath, display: string): Promise<void> {
    const opened = await handle.stat({bigint: true});
    checkRegular(opened, display);
    const real = await realInside(path, display);
    const named = await lstat(real, {bigint: true}).catch(() => undefined);
    if (named == null || named.dev !== opened.dev || named.ino !== opened.ino)
        throw new ToolError(`${display} was replaced while the tool ran, so it was not used.`);
}

function checkRegular(info: BigIntStats, display: string): void {
    if (info.isFIFO())
        throw kindError("pipe", display);
    if (info.isSocket())
        throw kindError("socket", display);
    if (!info.isFile())
        throw kindError(info.isDirectory() ? "directory" : "device", display);
    if (info.nlink > 1n)
        throw new ToolError(`${display} has ${info.nlink} hard links; another of its names may be outside the workspace, so the tools do not read or change it.`);
}

/** The real path, which must be inside the workspace folder's real path. */
async function realInside(path: ConfinedPath, display: string): Promise<string> {
    const real = await realpath(path.absolute).catch((err: unknown) => {
        throw code(err) === "ENOENT" ? new ToolError(`${display} does not exist (any more).`) : new ToolError(`Cannot use ${display}: ${(err as Error).message}`);
    });
    const realRoot = await realpath(path.root.path).catch(() => path.root.path);
    if (!isInside(realRoot, real))
        throw new ToolError(`${display} leads outside the workspace through a symbolic link, so it cannot be used.`);
    return real;
}

/** Makes missing parent folders one by one; an existing part must be a folder whose real path stays inside. */
async function makeParents(path: ConfinedPath, display: string): Promise<void> {
    const parts = path.relative.split("/").slice(0, -1);
    const realRoot = await realpath(path.root.path).catch(() => path.root.path);
    let current = path.root.path;
    for (const part of parts) {
        current = join(current, part);
        const kind = await pathKind(current);
        if (kind === "missing")
            await mkdir(current).catch((err: unknown) => {
                if (code(err) !== "EEXIST")
                    throw new ToolError(`Cannot create the folder for ${display}: ${(err as Error).message}`);
            });
        else if (kind !== "directory")
            throw new ToolError(`Cannot create ${display}: ${relative(path.root.path, current)} is ${kindName(kind)}, not a folder.`);
        if (!isInside(realRoot, await realpath(current)))
            throw new ToolError(`${display} leads outside the workspace through a symbolic link, so it cannot be used.`);
    }
}

/** Removes the file just created at `absolute` only if it is still the one `handle` had open. */
async function unlinkIfSame(absolute: string, handle: FileHandle): Promise<void> {
    const opened = await handle.stat({bigint: true}).catch(() => undefined);
    const named = await lstat(absolute, {bigint: true}).catch(() => undefined);
    if (opened != null && named != null && named.ino === opened.ino && named.dev === opened.dev)
        await unlink(absolute).catch(() => undefined);
}

async function readAll(handle: FileHandle, maxBytes: number, display: string): Promise<Uint8Array> {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
        const chunk = Buffer.alloc(1 << 16);
        const {bytesRead} = await handle.read(chunk, 0, chunk.length, total);
        if (bytesRead === 0)
            break;
        chunks.push(chunk.subarray(0, bytesRead));
        total += bytesRead;
        if (total > maxBytes)
            throw new ToolError(`${display} grew past ${(maxBytes / (1 << 20)).toFixed(1)} MB while it was read; search it with searchText instead.`);
    }
    return Buffer.concat(chunks);
}

/** The real path of the deepest part of `absolute` that exists, with the missing rest appended. */
async function realOfDeepest(absolute: string): Promise<string> {
    let existing = absolute;
    const missing: string[] = [];
    for (;;) {
        const real = await realpath(existing).catch(() => undefined);
        if (real != null)
            return join(real, ...missing);
        const parent = dirname(existing);
        if (parent === existing)
            return absolute;
        missing.unshift(basename(existing));
        existing = parent;
    }
}

function kindError(kind: PathKind, display: string): ToolError {
    if (kind === "missing")
        return Object.assign(new ToolError(`There is no file ${display}.`), {code: "ENOENT"});
    if (kind === "dangling-link")
        return new ToolError(`${display} is a symbolic link to something that does not exist; the tools neither use it nor create files through it.`);
    return new ToolError(`${display} is ${kindName(kind)}, not a regular file; the tools only read and write regular files.`);
}

function kindName(kind: PathKind): string {
    return {missing: "missing", file: "a file", directory: "a folder", pipe: "a named pipe (FIFO)", device: "a device", socket: "a socket", "dangling-link": "a dangling symbolic link"}[kind];
}

function missingAsUndefined(err: unknown): undefined {
    if (code(err) === "ENOENT" || code(err) === "ENOTDIR")
        return undefined;
    throw err;
}

function code(err: unknown): string | undefined {
    const value = (err as {code?: unknown} | null)?.code;
    return typeof value === "string" ? value : undefined;
}
