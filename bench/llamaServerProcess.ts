import {spawn, type ChildProcess} from "node:child_process";
import {execFile} from "node:child_process";
import {connect, createServer} from "node:net";
import {join} from "node:path";
import {promisify} from "node:util";
import {REPO_ROOT} from "../test/helpers/paths";

/**
 * llama-server (or rpc-server, ...) from the llama.cpp source node-llama-cpp ships, built once into
 * .cache/llama-tools. QUANTPILOT_LLAMA_TOOLS_BIN names a folder of already built tools instead.
 */
export async function llamaToolsBin(tool: string, alsoBuild: readonly string[] = []): Promise<string> {
    const prebuilt = process.env.QUANTPILOT_LLAMA_TOOLS_BIN;
    if (prebuilt != null && prebuilt !== "")
        return join(prebuilt, tool);
    const {stdout} = await promisify(execFile)(join(REPO_ROOT, "scripts", "build-llama-tools.sh"), [tool, ...alsoBuild], {maxBuffer: 1 << 20});
    return join(stdout.trim().split("\n").pop()!, tool);
}

export async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.listen(0, "127.0.0.1", () => {
            const address = server.address();
            server.close(() => typeof address === "object" && address != null ? resolve(address.port) : reject(new Error("no port")));
        });
    });
}

export interface LlamaServer {
    readonly url: string;
    /** The last few kB of the server's log (stderr). */
    log(): string;
    stop(): Promise<void>;
}

/** Starts llama-server on 127.0.0.1 and waits until it answers /health. */
export async function startLlamaServer(modelPath: string, args: readonly string[], binary?: string): Promise<LlamaServer> {
    const bin = binary ?? await llamaToolsBin("llama-server");
    const port = await freePort();
    const child: ChildProcess = spawn(bin, ["-m", modelPath, "--host", "127.0.0.1", "--port", String(port), ...args], {
        stdio: ["ignore", "ignore", "pipe"], detached: true
    });
    let log = "";
    child.stderr?.on("data", (d: Buffer) => log = (log + d.toString()).slice(-65536));
    const url = `http://127.0.0.1:${port}`;
    const stop = async () => {
        if (child.exitCode == null && child.pid != null) {
            process.kill(-child.pid, "SIGTERM");
            await new Promise((resolve) => child.once("exit", resolve));
        }
    };
    for (let i = 0; i < 600; i++) {
        if (child.exitCode != null)
            throw new Error(`llama-server exited with ${child.exitCode}:\n${log}`);
        const healthy = await fetch(`${url}/health`).then((r) => r.ok, () => false);
        if (healthy)
            return {url, stop, log: () => log};
        await new Promise((r) => setTimeout(r, 250));
    }
    await stop();
    throw new Error(`llama-server did not become ready:\n${log}`);
}

export interface RpcServer {
    /** `127.0.0.1:PORT`, as llama-server's `--rpc` takes it. */
    readonly address: string;
    stop(): Promise<void>;
}

/**
 * Starts llama.cpp's rpc-server on 127.0.0.1 (its backend then serves a share of a model's layers
 * to a llama-server started with `--rpc`) and waits until it accepts connections. Loopback only:
 * the RPC protocol has no authentication.
 */
export async function startRpcServer(threads = 1): Promise<RpcServer> {
    const bin = await llamaToolsBin("rpc-server");
    const port = await freePort();
    const child: ChildProcess = spawn(bin, ["-H", "127.0.0.1", "-p", String(port), "-t", String(threads)], {stdio: ["ignore", "ignore", "pipe"], detached: true});
    let log = "";
    child.stderr?.on("data", (d: Buffer) => log = (log + d.toString()).slice(-4000));
    const stop = async () => {
        if (child.exitCode == null && child.pid != null) {
            process.kill(-child.pid, "SIGTERM");
            await new Promise((resolve) => child.once("exit", resolve));
        }
    };
    for (let i = 0; i < 200; i++) {
        if (child.exitCode != null)
            throw new Error(`rpc-server exited with ${child.exitCode}:\n${log}`);
        const listening = await new Promise<boolean>((resolve) => {
            const socket = connect(port, "127.0.0.1", () => {
                socket.destroy();
                resolve(true);
            });
            socket.once("error", () => resolve(false));
        });
        if (listening)
            return {address: `127.0.0.1:${port}`, stop};
        await new Promise((r) => setTimeout(r, 100));
    }
    await stop();
    throw new Error(`rpc-server did not start listening:\n${log}`);
}
