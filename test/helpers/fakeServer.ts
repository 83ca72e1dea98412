import {once} from "node:events";
import {readFileSync} from "node:fs";
import {createServer, type IncomingMessage, type Server, type ServerResponse} from "node:http";
import type {AddressInfo} from "node:net";
import {join} from "node:path";

/** What the fake server does for one request. */
export interface FakeReply {
    readonly status?: number;
    /** The body, sent as it is (a recorded fixture). */
    readonly body?: string;
    readonly contentType?: string;
    /** Send this many bytes of the body, then destroy the connection (a stream cut midway). */
    readonly cutAfterBytes?: number;
    /** Send the headers and the first `partial` bytes, then nothing until the test ends (a very slow server). */
    readonly hang?: {readonly partial?: number};
}

export interface SeenRequest {
    readonly method: string;
    readonly path: string;
    readonly headers: IncomingMessage["headers"];
    readonly body: unknown;
}

type Handler = FakeReply | ((request: SeenRequest) => FakeReply);

/** A recorded wire format from test/fixtures/servers. */
export function fixture(name: string): string {
    return readFileSync(join(__dirname, "..", "fixtures", "servers", name), "utf8");
}

/**
 * An HTTP server on 127.0.0.1 that replays recorded answers per route ("POST /api/generate"), and
 * can refuse, fail, cut or stall on purpose. Tests wait on `nextRequest()` rather than on time.
 */
export class FakeServer {
    readonly requests: SeenRequest[] = [];
    private readonly routes = new Map<string, Handler>();
    private readonly stalled = new Set<ServerResponse>();
    private readonly waiters: ((request: SeenRequest) => void)[] = [];

    private constructor(private readonly server: Server, readonly url: string) {}

    static async start(): Promise<FakeServer> {
        const handlers: Array<(req: IncomingMessage, res: ServerResponse) => void> = [];
        const server = createServer((req, res) => handlers[0]?.(req, res));
        server.listen(0, "127.0.0.1");
        await once(server, "listening");
        const fake = new FakeServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
        handlers.push((req, res) => void fake.handle(req, res));
        return fake;
    }

    on(route: string, handler: Handler): this {
        this.routes.set(route, handler);
        return this;
    }

    /** Resolves with the next request the server receives. */
    nextRequest(): Promise<SeenRequest> {
        return new Promise((resolve) => this.waiters.push(resolve));
    }

    async close(): Promise<void> {
        for (const res of this.stalled)
            res.destroy();
        this.server.closeAllConnections();
        this.server.close();
        await once(this.server, "close");
    }

    private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const chunks: Buffer[] = [];
        for await (const chunk of req)
            chunks.push(chunk as Buffer);
        const text = Buffer.concat(chunks).toString("utf8");
        const path = (req.url ?? "/").split("?")[0]!;
        const seen: SeenRequest = {method: req.method ?? "GET", path, headers: req.headers, body: text === "" ? undefined : JSON.parse(text) as unknown};
        this.requests.push(seen);
        const handler = this.routes.get(`${seen.method} ${path}`);
        const reply = handler == null ? {status: 404, body: `{"error":"no route ${seen.method} ${path}"}`} : typeof handler === "function" ? handler(seen) : handler;
        this.send(res, reply);
        this.waiters.splice(0).forEach((resolve) => resolve(seen));
    }

    private send(res: ServerResponse, reply: FakeReply): void {
        const body = Buffer.from(reply.body ?? "", "utf8");
        res.writeHead(reply.status ?? 200, {"Content-Type": reply.contentType ?? contentTypeOf(reply.body ?? "")});
        if (reply.hang != null) {
            res.write(body.subarray(0, reply.hang.partial ?? 0));
            this.stalled.add(res);
            return;
        }
        if (reply.cutAfterBytes != null) {
            res.write(body.subarray(0, reply.cutAfterBytes), () => res.destroy());
            return;
        }
        res.end(body);
    }
}

function contentTypeOf(body: string): string {
    if (body.startsWith("data:"))
        return "text/event-stream";
    return body.trim().includes("\n{") ? "application/x-ndjson" : "application/json";
}
