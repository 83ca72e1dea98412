import {createHash} from "node:crypto";
import {createReadStream} from "node:fs";
import {mkdir, readdir, rename, rm, rmdir, stat} from "node:fs/promises";
import {dirname, join} from "node:path";
import {readGgufHeader} from "../gguf/ggufReader";
import {loadNodeLlamaCpp} from "../engine/nodeLlamaCpp";
import {asOffline, DownloadError, probeRemoteFile, type RemoteFileFacts} from "./remoteFile";

export interface DownloadProgress {
    readonly downloadedBytes: number;
    /** 0 until the server has said how big the file is. */
    readonly totalBytes: number;
    readonly bytesPerSecond: number;
    /** Undefined while unknown. */
    readonly etaSeconds: number | undefined;
}

export interface DownloadModelOptions {
    /** `hf:<user>/<repo>:<quant>`, `hf:<user>/<repo>/<file>` or an http(s) URL. */
    readonly uri: string;
    /** Folder the model is saved in; created when missing. */
    readonly directory: string;
    /** Default: the name the server or the repository gives the file. */
    readonly fileName?: string;
    /** Checked after the download. Default: the SHA-256 the server publishes, when it publishes one. */
    readonly expectedSha256?: string;
    /** Default: `HF_ENDPOINT`, else https://huggingface.co/. */
    readonly huggingFaceEndpoint?: string;
    /** Aborting stops the download and keeps what was fetched, so the next call resumes. */
    readonly signal?: AbortSignal;
    readonly onProgress?: (progress: DownloadProgress) => void;
}

export interface DownloadResult {
    readonly path: string;
    readonly sizeBytes: number;
    readonly seconds: number;
    /** "verified": the SHA-256 matched; "unavailable": nobody published one. */
    readonly checksum: "verified" | "unavailable";
}

export class ChecksumMismatchError extends DownloadError {
    override readonly name = "ChecksumMismatchError";
}

/** Folder inside the models folder where downloads are written until verified (hidden from model lists). */
export const STAGING_DIR = ".downloading";

/**
 * Downloads a model with node-llama-cpp's downloader (ipull: parallel ranges, retries, resume).
 * Everything is written in a hidden staging folder and moved beside the other models only once
 * complete and verified, so a half-written file never has the final name: ipull itself renames
 * its `<name>.ipull` file to `<name>` when a cancel lands as the last bytes arrive, before they
 * are written out. A cancelled or failed download keeps its partial file and the next call
 * resumes it. The result is checked against the published SHA-256 (when there is one) and must
 * read as a GGUF; a file that fails either check is removed.
 */
export async function downloadModel(options: DownloadModelOptions): Promise<DownloadResult> {
    const startedAt = performance.now();
    const {signal} = options;
    signal?.throwIfAborted();
    const staging = join(options.directory, STAGING_DIR);
    await mkdir(staging, {recursive: true});
    await restorePartials(staging);
    try {
        const endpoint = huggingFaceEndpoint(options.huggingFaceEndpoint);
        const fileUrl = directFileUrl(options.uri, endpoint);
        // A plain probe first: offline is reported in seconds, not after ipull's many retries.
        const remote = fileUrl != null ? await probeRemoteFile(fileUrl, signal) : undefined;
        const downloader = await createDownloader(options, staging, endpoint);
        const finalPath = join(options.directory, downloader.entrypointFilename);
        let checksum = await alreadyThere(finalPath, downloader.totalSize, options.expectedSha256 ?? remote?.sha256, signal);
        if (checksum == null) {
            const stagedPath = await runDownloader(downloader, options.uri, signal);
            checksum = await verify(stagedPath, options, remote, endpoint, signal);
            for (const file of downloader.filesInfo)
                await rename(join(staging, file.fileName), join(options.directory, file.fileName));
        }
        return {path: finalPath, sizeBytes: (await stat(finalPath)).size, seconds: (performance.now() - startedAt) / 1000, checksum};
    } finally {
        await rmdir(staging).catch(() => undefined); // only when empty: a paused download stays for its resume
    }
}

/** A finished file of the right size (and checksum, when known) is not fetched again. */
async function alreadyThere(path: string, size: number, sha256: string | undefined, signal?: AbortSignal): Promise<DownloadResult["checksum"] | undefined> {
    const existing = await stat(path).catch(() => undefined);
    if (existing == null || !existing.isFile() || existing.size !== size)
        return undefined;
    if (sha256 == null)
        return "unavailable";
    return (await sha256File(path, signal)) === sha256.toLowerCase() ? "verified" : undefined;
}

type Downloader = Awaited<ReturnType<Awaited<ReturnType<typeof loadNodeLlamaCpp>>["createModelDownloader"]>>;

async function createDownloader(options: DownloadModelOptions, staging: string, endpoint: string): Promise<Downloader> {
    const {createModelDownloader} = await loadNodeLlamaCpp();
    try {
        return await createModelDownloader({
            modelUri: options.uri,
            dirPath: staging,
            ...(options.fileName != null ? {fileName: options.fileName} : {}),
            // Keep the partial file on cancel: the next download resumes from it.
            deleteTempFileOnCancel: false,
            skipExisting: true,
            endpoints: {huggingFace: endpoint},
            onProgress: (status) => options.onProgress?.({
                downloadedBytes: status.downloadedSize,
                totalBytes: status.totalSize,
                bytesPerSecond: status.averageSpeed,
                etaSeconds: Number.isFinite(status.estimatedTimeLeft) ? status.estimatedTimeLeft / 1000 : undefined
            })
        });
    } catch (err) {
        throw asOffline(options.uri.startsWith("hf:") ? endpoint : options.uri, err) ??
            new DownloadError(`Cannot download ${options.uri}: ${(err as Error).message}`, {cause: err});
    }
}

async function runDownloader(downloader: Downloader, uri: string, signal?: AbortSignal): Promise<string> {
    try {
        return await downloader.download(signal != null ? {signal} : {});
    } catch (err) {
        await restorePartials(dirname(downloader.entrypointFilePath));
        if (signal?.aborted)
            throw signal.reason;
        throw asOffline(uri, err) ??
            new DownloadError(`Downloading ${uri} failed: ${(err as Error).message}. What arrived is kept; download again to resume.`, {cause: err});
    }
}

/**
 * Undoes ipull's early rename: a staged `<name>` without its `<name>.ipull` is a partial file
 * (its resume data is at its end), so it gets its temporary name back and the next download
 * resumes from it. A complete file that lost the race is simply fetched again.
 */
async function restorePartials(staging: string): Promise<void> {
    const names = await readdir(staging).catch(() => [] as string[]);
    for (const name of names)
        if (!name.endsWith(PARTIAL_SUFFIX) && !names.includes(name + PARTIAL_SUFFIX))
            await rename(join(staging, name), join(staging, name + PARTIAL_SUFFIX)).catch(() => undefined);
}

const PARTIAL_SUFFIX = ".ipull";

/** A partial download nobody resumed for this long is abandoned: its space is given back. */
const ABANDONED_AFTER_MS = 14 * 24 * 3600_000;

/**
 * At start-up: a partial download is kept, because the next download of the same file resumes
 * from it (ipull keeps its resume data in the file); it lives in the hidden staging folder,
 * which no model list reads (a download in another window may be writing there right now, so
 * nothing younger is touched). One left for two weeks is removed. Returns the removed paths;
 * never throws.
 */
export async function sweepAbandonedDownloads(directory: string, now = Date.now()): Promise<string[]> {
    const staging = join(directory, STAGING_DIR);
    const removed: string[] = [];
    for (const name of await readdir(staging).catch(() => [] as string[])) {
        const path = join(staging, name);
        const info = await stat(path).catch(() => undefined);
        if (info?.isFile() === true && now - info.mtimeMs > ABANDONED_AFTER_MS && await rm(path, {force: true}).then(() => true, () => false))
            removed.push(path);
    }
    await rmdir(staging).catch(() => undefined);
    return removed;
}

async function verify(
    path: string, options: DownloadModelOptions, remote: RemoteFileFacts | undefined, endpoint: string, signal?: AbortSignal
): Promise<DownloadResult["checksum"]> {
    const expected = options.expectedSha256?.toLowerCase() ?? (remote ?? await factsAfterResolving(options.uri, endpoint, path, signal))?.sha256;
    if (expected != null) {
        const actual = await sha256File(path, signal);
        if (actual !== expected) {
            await rm(path, {force: true});
            throw new ChecksumMismatchError(`The downloaded file's SHA-256 is ${actual}, but the source publishes ${expected}; the file was removed. Try again.`);
        }
    }
    try {
        await readGgufHeader(path, signal);
    } catch (err) {
        await rm(path, {force: true});
        throw new DownloadError(`The download from ${options.uri} is not a GGUF model (${(err as Error).message}); it was removed.`);
    }
    return expected != null ? "verified" : "unavailable";
}

/** For `hf:user/repo:quant` the file is known only after node-llama-cpp resolved it: probe it then. */
async function factsAfterResolving(uri: string, endpoint: string, path: string, signal?: AbortSignal): Promise<RemoteFileFacts | undefined> {
    const repo = /^hf:([^/:#]+\/[^/:#]+)/.exec(uri)?.[1];
    if (repo == null)
        return undefined;
    const file = path.split(/[\\/]/).pop()!;
    return probeRemoteFile(`${endpoint}${repo}/resolve/main/${encodeURIComponent(file)}`, signal).catch(() => undefined);
}

/** The http(s) URL of the file when the URI names one directly (a URL, or hf:user/repo/file). */
export function directFileUrl(uri: string, endpoint: string): string | undefined {
    if (/^https?:\/\//i.test(uri))
        return uri;
    const match = /^hf:([^/:#]+)\/([^/:#]+)\/([^#]+\.gguf)(?:#(.+))?$/i.exec(uri);
    if (match == null)
        return undefined;
    const [, user, repo, file, branch] = match;
    return `${endpoint}${user}/${repo}/resolve/${encodeURIComponent(branch ?? "main")}/${file!.split("/").map(encodeURIComponent).join("/")}`;
}

function huggingFaceEndpoint(given: string | undefined): string {
    const endpoint = given ?? process.env.HF_ENDPOINT ?? process.env.MODEL_ENDPOINT ?? "https://huggingface.co/";
    return endpoint.endsWith("/") ? endpoint : `${endpoint}/`;
}

async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
    const hash = createHash("sha256");
    for await (const chunk of createReadStream(path, {highWaterMark: 1 << 20, ...(signal != null ? {signal} : {})}))
        hash.update(chunk as Buffer);
    return hash.digest("hex");
}
