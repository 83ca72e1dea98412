import {test} from "node:test";
import assert from "node:assert/strict";
import {createHash} from "node:crypto";
import {createServer, type IncomingMessage, type Server, type ServerResponse} from "node:http";
import type {AddressInfo} from "node:net";
import {existsSync} from "node:fs";
import {mkdtemp, readFile, readdir, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {ChecksumMismatchError, downloadModel, STAGING_DIR, type DownloadProgress} from "../../src/quant/downloadModel";
import {DownloadError, OfflineError} from "../../src/quant/remoteFile";
import {isAbortError} from "../../src/util/abort";
import {testModel} from "../helpers/testModels";

interface ServerOptions {
    /** Close the connection of the first full GET after this many bytes. */
    dropAfterBytes?: number;
    /** Send in 64 KB chunks with this many ms between them. */
    chunkDelayMs?: number;
    /** Serve bytes that differ from the published checksum. */
    corrupt?: boolean;
}

interface TestServer {
    readonly url: string;
    readonly requests: Array<{method: string; path: string; range: string | undefined}>;
    close(): Promise<void>;
}

/** A loopback server for a generated model: ranges, ETag = SHA-256, and Hugging Face-style /resolve/ redirects. */
async function serveModel(body: Buffer, options: ServerOptions = {}): Promise<TestServer> {
    const sha = createHash("sha256").update(body).digest("hex");
    const served = options.corrupt === true ? Buffer.concat([body.subarray(0, body.length - 1), Buffer.from([body[body.length - 1]! ^ 0xff])]) : body;
    const requests: TestServer["requests"] = [];
    let dropped = false;
    const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
        const path = (req.url ?? "").split("?")[0];
        requests.push({method: req.method ?? "", path, range: req.headers.range});
        if (path === "/user/model-GGUF/resolve/main/model-F16.gguf") {
            res.writeHead(302, {"location": "/files/model.gguf", "x-linked-etag": `"${sha}"`}).end();
            return;
        }
        if (path === "/files/notes.gguf") {
            res.writeHead(200, {"content-type": "text/plain", "content-length": "20"}).end("this is not a model\n");
            return;
        }
        if (path !== "/files/model.gguf") {
            res.writeHead(404).end();
            return;
        }
        const match = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? "");
        const start = match != null ? Number(match[1]) : 0;
        const end = match?.[2] ? Number(match[2]) : served.length - 1;
        const headers = {"accept-ranges": "bytes", "etag": `"${sha}"`, "content-type": "application/octet-stream", "content-length": String(end - start + 1)};
        if (match != null)
            res.writeHead(206, {...headers, "content-range": `bytes ${start}-${end}/${served.length}`});
        else
            res.writeHead(200, headers);
        if (req.method === "HEAD") {
            res.end();
            return;
        }
        const drop = options.dropAfterBytes != null && !dropped && start === 0;
        void send(res, served.subarray(start, end + 1), options.chunkDelayMs ?? 0, drop ? options.dropAfterBytes : undefined, () => dropped = true);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const {port} = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () => new Promise((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
        })
    };
}

async function send(res: ServerResponse, data: Buffer, delayMs: number, dropAfter: number | undefined, onDrop: () => void): Promise<void> {
    const chunk = 64 * 1024;
    for (let offset = 0; offset < data.length; offset += chunk) {
        if (res.destroyed)
            return;
        if (dropAfter != null && offset >= dropAfter) {
            onDrop();
            res.socket?.destroy();
            return;
        }
        if (!res.write(data.subarray(offset, offset + chunk)))
            await new Promise((r) => res.once("drain", r));
        if (delayMs > 0)
            await new Promise((r) => setTimeout(r, delayMs));
    }
    res.end();
}

async function modelBytes(): Promise<Buffer> {
    return readFile(await testModel("small"));
}

test("a download reports bytes, speed and ETA, verifies the published SHA-256 and leaves only the final file", async () => {
    const body = await modelBytes();
    const server = await serveModel(body, {chunkDelayMs: 2});
    const dir = await mkdtemp(join(tmpdir(), "qp-dl-"));
    const progress: DownloadProgress[] = [];
    try {
        const result = await downloadModel({uri: `${server.url}/files/model.gguf`, directory: dir, fileName: "small.gguf", onProgress: (p) => progress.push(p)});
        assert.equal(result.path, join(dir, "small.gguf"));
        assert.equal(result.checksum, "verified");
        assert.ok((await readFile(result.path)).equals(body));
        assert.ok(progress.length > 2, `several progress reports, got ${progress.length}`);
        assert.ok(progress.some((p) => p.totalBytes === body.length));
        assert.ok(progress.every((p, i) => i === 0 || p.downloadedBytes >= progress[i - 1]!.downloadedBytes));
        assert.ok(progress.some((p) => p.bytesPerSecond > 0), "a speed is reported");
        assert.deepEqual(await readdir(dir), ["small.gguf"]);
    } finally {
        await server.close();
        await rm(dir, {recursive: true});
    }
});

test("a dropped connection is resumed, and the file arrives whole", async () => {
    const body = await modelBytes();
    const server = await serveModel(body, {dropAfterBytes: 1 << 20});
    const dir = await mkdtemp(join(tmpdir(), "qp-dl-"));
    try {
        const result = await downloadModel({uri: `${server.url}/files/model.gguf`, directory: dir, fileName: "small.gguf"});
        assert.ok((await readFile(result.path)).equals(body));
        const gets = server.requests.filter((r) => r.method === "GET");
        assert.ok(gets.length >= 2, "the downloader asked again after the drop");
        assert.ok(gets.some((r) => r.range != null && Number(/bytes=(\d+)/.exec(r.range)?.[1]) > 0), "it asked for the rest, not the whole file");
        assert.deepEqual(await readdir(dir), ["small.gguf"]);
    } finally {
        await server.close();
        await rm(dir, {recursive: true});
    }
});

test("a cancelled download keeps its finished pieces out of sight, and the next one fetches only the rest", async () => {
    const body = await modelBytes();
    // The downloader fetches 5 MiB pieces in parallel and saves each when complete: slow enough
    // to cancel after the small last piece is saved but before the first is.
    const server = await serveModel(body, {chunkDelayMs: 15});
    const dir = await mkdtemp(join(tmpdir(), "qp-dl-"));
    try {
        const controller = new AbortController();
        await assert.rejects(downloadModel({
            uri: `${server.url}/files/model.gguf`, directory: dir, fileName: "small.gguf", signal: controller.signal,
            onProgress: (p) => p.downloadedBytes > 4 * (1 << 20) && existsSync(join(dir, STAGING_DIR, "small.gguf.ipull")) && controller.abort()
        }), (err) => isAbortError(err));
        assert.deepEqual(await readdir(dir), [STAGING_DIR], "nothing under the final name");
        // ipull may rename its partial file to the plain name as it closes; the next download undoes that.
        const staged = await readdir(join(dir, STAGING_DIR));
        assert.ok(staged.length === 1 && staged[0]!.startsWith("small.gguf"), `the partial file waits in the staging folder: ${staged.join(", ")}`);
        const before = server.requests.length;
        const result = await downloadModel({uri: `${server.url}/files/model.gguf`, directory: dir, fileName: "small.gguf"});
        assert.ok((await readFile(result.path)).equals(body));
        // (ipull opens with one unranged GET to learn the size and drops it; the data comes in ranges.)
        const ranges = server.requests.slice(before).filter((r) => r.method === "GET" && r.range != null).map((r) => r.range!);
        const asked = ranges.reduce((sum, range) => {
            const [, start, end] = /bytes=(\d+)-(\d*)/.exec(range)!;
            return sum + (end ? Number(end) : body.length - 1) - Number(start) + 1;
        }, 0);
        assert.ok(ranges.length > 0 && asked < body.length, `the second download asked for ${asked} of ${body.length} bytes (${ranges.join(", ")})`);
        assert.deepEqual(await readdir(dir), ["small.gguf"]);
    } finally {
        await server.close();
        await rm(dir, {recursive: true});
    }
});

test("a file that does not match its published SHA-256 is removed", async () => {
    const server = await serveModel(await modelBytes(), {corrupt: true});
    const dir = await mkdtemp(join(tmpdir(), "qp-dl-"));
    try {
        await assert.rejects(downloadModel({uri: `${server.url}/files/model.gguf`, directory: dir, fileName: "small.gguf"}), ChecksumMismatchError);
        assert.deepEqual(await readdir(dir), []);
    } finally {
        await server.close();
        await rm(dir, {recursive: true});
    }
});

test("hf: file URIs resolve against the Hugging Face endpoint and use its LFS checksum", async () => {
    const body = await modelBytes();
    const server = await serveModel(body);
    const dir = await mkdtemp(join(tmpdir(), "qp-dl-"));
    try {
        const result = await downloadModel({uri: "hf:user/model-GGUF/model-F16.gguf", directory: dir, huggingFaceEndpoint: server.url});
        assert.equal(result.checksum, "verified");
        assert.ok((await readFile(result.path)).equals(body));
    } finally {
        await server.close();
        await rm(dir, {recursive: true});
    }
});

test("offline, a missing file and a file that is not a model each give one clear error", async () => {
    const server = await serveModel(await modelBytes());
    const dir = await mkdtemp(join(tmpdir(), "qp-dl-"));
    const closed = await serveModel(Buffer.from("x"));
    const closedUrl = closed.url;
    await closed.close();
    try {
        const started = performance.now();
        await assert.rejects(downloadModel({uri: `${closedUrl}/files/model.gguf`, directory: dir}),
            (err: Error) => err instanceof OfflineError && /Cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/.test(err.message));
        assert.ok(performance.now() - started < 10_000, "offline is reported quickly");
        await assert.rejects(downloadModel({uri: `${server.url}/files/missing.gguf`, directory: dir}), (err: Error) => err instanceof DownloadError && /404/.test(err.message));
        await assert.rejects(downloadModel({uri: `${server.url}/files/notes.gguf`, directory: dir}), /not a GGUF model/);
        assert.deepEqual(await readdir(dir), []);
    } finally {
        await server.close();
        await rm(dir, {recursive: true});
    }
});
