/**
 * What a server says about a file before and after a download: whether it is reachable at all
 * (offline detection) and, where it publishes one, the file's SHA-256. Hugging Face serves
 * large files from LFS and puts their SHA-256 in `X-Linked-ETag` on the redirect from
 * `/resolve/`; plain servers may put one in `ETag`.
 */

/** The network is down or the host cannot be reached: a state to explain, not a bug to log. */
export class OfflineError extends Error {
    override readonly name = "OfflineError";
    constructor(readonly host: string, reason: string) {
        super(`Cannot reach ${host} (${reason}). QuantPilot works offline with models already on this computer; connect to download new ones.`);
    }
}

export class DownloadError extends Error {
    override readonly name: string = "DownloadError";
}

const PROBE_TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 5;
const SHA256 = /^[0-9a-f]{64}$/i;
const NETWORK_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ENETUNREACH", "EHOSTUNREACH", "ETIMEDOUT", "ECONNRESET",
    "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_SOCKET"]);

export interface RemoteFileFacts {
    /** Lower-case hex SHA-256 when the server publishes one. */
    readonly sha256: string | undefined;
    readonly sizeBytes: number | undefined;
}

/**
 * HEADs `url`, following redirects by hand so every hop's headers are seen. Network failures
 * become `OfflineError`; a 404 or other refusal becomes `DownloadError`.
 */
export async function probeRemoteFile(url: string, signal?: AbortSignal, headers: Record<string, string> = {}): Promise<RemoteFileFacts> {
    let sha256: string | undefined;
    let current = url;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
        const response = await head(current, signal, headers);
        sha256 ??= checksumIn(response.headers);
        const location = response.headers.get("location");
        if (response.status >= 300 && response.status < 400 && location != null) {
            current = new URL(location, current).toString();
            continue;
        }
        if (response.status === 404)
            throw new DownloadError(`${url} was not found (HTTP 404)`);
        if (response.status === 401 || response.status === 403)
            throw new DownloadError(`${url} needs a login or an accepted license (HTTP ${response.status})`);
        if (!response.ok)
            throw new DownloadError(`${url} answered HTTP ${response.status}`);
        const length = Number(response.headers.get("content-length"));
        return {sha256, sizeBytes: Number.isFinite(length) && length > 0 ? length : undefined};
    }
    throw new DownloadError(`${url} redirects more than ${MAX_REDIRECTS} times`);
}

async function head(url: string, signal: AbortSignal | undefined, headers: Record<string, string>): Promise<Response> {
    const timeout = AbortSignal.timeout(PROBE_TIMEOUT_MS);
    try {
        return await fetch(url, {method: "HEAD", redirect: "manual", headers, signal: signal != null ? AbortSignal.any([signal, timeout]) : timeout});
    } catch (err) {
        if (signal?.aborted)
            throw signal.reason;
        throw asOffline(url, err) ?? err;
    }
}

function checksumIn(headers: Headers): string | undefined {
    for (const name of ["x-linked-etag", "etag"]) {
        const value = headers.get(name)?.replace(/^W\//, "").replace(/"/g, "").trim();
        if (value != null && SHA256.test(value))
            return value.toLowerCase();
    }
    return undefined;
}

/** An OfflineError when `err` is a network failure (no DNS, refused, unreachable, timed out). */
export function asOffline(url: string, err: unknown): OfflineError | undefined {
    const code = networkCode(err);
    if (code == null && (err as Error)?.name !== "TimeoutError")
        return undefined;
    return new OfflineError(hostOf(url), code ?? "timed out");
}

function networkCode(err: unknown): string | undefined {
    for (let e: unknown = err, depth = 0; e != null && depth < 5; e = (e as {cause?: unknown}).cause, depth++) {
        const code = (e as {code?: unknown}).code;
        if (typeof code === "string" && NETWORK_CODES.has(code))
            return code;
    }
    return undefined;
}

function hostOf(url: string): string {
    try {
        return new URL(url).host;
    } catch {
        return url;
    }
}
