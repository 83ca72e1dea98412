/**
 * Drives a real VS Code (code-server, installed by scripts/setup-e2e.sh) in Debian's Chromium
 * through playwright-core. `QP_E2E_EDITOR` picks the editor (see editor.ts): `1.100` (default,
 * VS Code 1.100.3) or `current` (the newest code-server that builds here).
 *
 * ```ts
 * const vs = await startVsCode({vsixPath, workspaceDir});
 * t.after(() => vs.close());
 * await vs.openFile("src/a.ts");
 * await vs.runCommand("QuantPilot: Show Panel");
 * ```
 */
import {spawn, execFile, type ChildProcess} from "node:child_process";
import {createWriteStream, existsSync, mkdirSync, rmSync} from "node:fs";
import {cp, mkdtemp, readdir, readFile, rm, stat, writeFile} from "node:fs/promises";
import {createServer} from "node:net";
import {tmpdir} from "node:os";
import {basename, dirname, join, resolve} from "node:path";
import {promisify} from "node:util";
import {chromium, type Browser, type BrowserContext, type ElementHandle, type Frame, type Page} from "playwright-core";
import {editorInstall, type EditorId, type EditorInstall} from "./editor";

const execFileP = promisify(execFile);

/** Workbench start can take 20-40 s on a cold 2-core machine. */
export const WORKBENCH_TIMEOUT_MS = 120_000;
/** Default wait for UI reactions (quick open, tabs, notifications). */
export const UI_TIMEOUT_MS = 20_000;

export interface StartOptions {
    /** VSIX to install into the fresh extensions dir (a folder does not work). */
    vsixPath: string;
    /** More VSIXes to install beside it (e.g. a witness extension a test waits on). */
    extraVsixPaths?: readonly string[];
    /** Folder opened as the workspace. */
    workspaceDir: string;
    /** Extra user settings, merged over the harness defaults. */
    settings?: Record<string, unknown>;
    /**
     * Keep workspace trust on: the folder then opens untrusted, in Restricted Mode,
     * without the startup dialog (`security.workspace.trust.startupPrompt: never`).
     */
    workspaceTrust?: boolean;
    /** Names the log/artifact folder under resultsDir; defaults to "session". */
    name?: string;
    /** Where logs go; defaults to `<repo>/test-results/e2e`. */
    resultsDir?: string;
    /** Extra environment for code-server and so for the extension host. */
    env?: Record<string, string>;
    /** Browser viewport; defaults to 1400x900. */
    viewport?: {width: number; height: number};
    /** code-server's `--log` level, which extensions' log output channels follow (e.g. "debug"). */
    logLevel?: "trace" | "debug" | "info";
    /** Which editor to start; defaults to QP_E2E_EDITOR (see editor.ts). */
    editor?: EditorId;
}

export interface VsCodeSession {
    /** The editor this session runs (versions, Node.js). */
    editor: EditorInstall;
    page: Page;
    browser: Browser;
    /** `http://127.0.0.1:PORT`. */
    baseUrl: string;
    userDataDir: string;
    extensionsDir: string;
    /** code-server's stdout+stderr. */
    serverLogFile: string;
    /** Per-session folder under resultsDir (server log; good place for screenshots). */
    artifactsDir: string;
    /** `<userDataDir>/logs`: VS Code's log root (one timestamped folder per server start). */
    logsDir: string;
    /** Folder holding the extension host's logs (`.../exthost1`), waiting until it exists. */
    extHostLogDir(): Promise<string>;
    /**
     * Waits until the extension host log shows that activation of `extensionId`
     * (`publisher.name`) has started; the activate() promise may still be pending.
     */
    waitForActivation(extensionId: string, timeoutMs?: number): Promise<void>;
    /**
     * Text of an output channel's log file, found by channel name under the ext host
     * log folder (`<extId>/<name>.log` for LogOutputChannels, `output_logging_*\/N-<name>.log`
     * for plain ones). Returns null when no such file exists yet.
     */
    readOutputChannel(name: string): Promise<string | null>;
    /**
     * Opens a workspace file via Quick Open, waits until its tab is active, focuses
     * the editor and lets it settle (keys typed right after opening were seen to
     * get no inline completion).
     */
    openFile(relativePath: string): Promise<void>;
    /** Types into the focused editor with real key events (auto-closing brackets apply). */
    typeText(text: string, opts?: {delay?: number}): Promise<void>;
    /**
     * Text of the active editor's rendered lines, joined with \n. Only what is
     * rendered: long files are virtualized, so scroll first if needed.
     */
    editorText(): Promise<string>;
    /** Visible inline-completion ghost text (lines joined with \n), or null if none. */
    ghostText(): Promise<string | null>;
    /**
     * Asks for inline completions at the caret now (an Invoke trigger), through the
     * palette: code-server 4.100 binds no key to editor.action.inlineSuggest.trigger.
     */
    triggerInlineSuggest(): Promise<void>;
    /** Runs a command by its palette title (e.g. "QuantPilot: Start"). */
    runCommand(title: string): Promise<void>;
    /**
     * Text of a status bar item: `id` is the item's id as given to
     * `createStatusBarItem(id)` (matched as a suffix of the DOM id, which VS Code
     * prefixes with the extension id), or a predicate over each item's text/id.
     * Returns null when no item matches.
     */
    statusBarText(idOrPredicate: string | ((item: {id: string; text: string}) => boolean)): Promise<string | null>;
    /**
     * Inner frame of a webview: a CSS selector for the outer iframe, or the panel's
     * editor-tab title (the tab is clicked so the webview is shown).
     */
    webviewFrame(titleOrSelector: string): Promise<Frame>;
    /** Messages of the currently visible notification toasts. */
    notifications(): Promise<string[]>;
    /**
     * Every notification in the notification center, toasts that already hid themselves
     * included (VS Code hides a toast when another replaces it or after a while).
     */
    allNotifications(): Promise<string[]>;
    /** PNG of the page; relative paths resolve against the repo root. Returns the absolute path. */
    screenshot(path: string): Promise<string>;
    /**
     * Saves `final.png` in artifactsDir, closes the browser, kills code-server's
     * process group and removes the temp dirs. Idempotent; call it from `t.after`.
     */
    close(): Promise<void>;
}

/** Repo root: the nearest folder above cwd holding scripts/setup-e2e.sh. */
export function repoRoot(): string {
    let dir = process.cwd();
    while (!existsSync(join(dir, "scripts", "setup-e2e.sh"))) {
        const up = dirname(dir);
        if (up === dir) throw new Error("e2e harness: run from inside the repo (scripts/setup-e2e.sh not found)");
        dir = up;
    }
    return dir;
}

/** How to start code-server: the editor's node and entry script, or `$QP_CODE_SERVER` as a launcher. */
export function codeServerCommand(editor: EditorInstall): {file: string; args: string[]} {
    const launcher = process.env.QP_CODE_SERVER;
    if (launcher) {
        if (!existsSync(launcher)) throw new Error(`QP_CODE_SERVER=${launcher} does not exist`);
        return {file: launcher, args: []};
    }
    return {file: editor.node, args: [editor.entry]};
}

type Truthy<T> = Exclude<T, false | null | undefined | 0 | "">;

/** Polls `fn` until it returns a truthy value (errors count as "not yet"); throws with `what` on timeout. */
export async function waitFor<T>(fn: () => Promise<T> | T, what: string, timeoutMs = UI_TIMEOUT_MS, intervalMs = 250): Promise<Truthy<T>> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
        try {
            const v = await fn();
            if (v) return v as Truthy<T>;
        } catch (e) {
            lastError = e;
        }
        if (Date.now() > deadline) {
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ""}`);
        }
        await new Promise((r) => setTimeout(r, intervalMs));
    }
}

/** Packs an extension folder into a VSIX with the project's vsce; returns the VSIX path. */
export async function packageVsix(extensionDir: string, outFile: string): Promise<string> {
    const vsce = join(repoRoot(), "node_modules/.bin/vsce");
    await execFileP(vsce, ["package", "--no-dependencies", "--allow-missing-repository", "--skip-license", "--out", outFile], {
        cwd: extensionDir
    });
    return outFile;
}

/**
 * Where the user's settings go: User (the browser's user settings) and Machine (the server's
 * "Remote" settings). VS Code 1.139 treats code-server's browser as a remote window, where settings
 * of scope machine and machine-overridable (quantpilot.modelPath among them) count only from the
 * Remote settings; 1.100 took them from User. Both are the user's own, never the workspace's.
 */
const SETTINGS_SCOPES = ["User", "Machine"] as const;

const CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync"
];

/**
 * QP_E2E_CPU_THROTTLE=N runs the workbench N times slower (Chromium's CPU throttling), as on a
 * loaded machine: races between the harness and VS Code that a quiet machine hides show up at once
 * (the inline-completion controller made late, see openFile, failed 3 runs of 4 at N = 8).
 */
async function slowDownPage(context: BrowserContext, page: Page): Promise<void> {
    const rate = Number(process.env.QP_E2E_CPU_THROTTLE ?? 1);
    if (!(rate > 1))
        return;
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", {rate});
}

async function freeLoopbackPort(): Promise<number> {
    return new Promise((res, rej) => {
        const srv = createServer();
        srv.once("error", rej);
        srv.listen(0, "127.0.0.1", () => {
            const addr = srv.address();
            const port = typeof addr === "object" && addr ? addr.port : 0;
            srv.close(() => res(port));
        });
    });
}

/** Kills a whole process group; code-server forks the ext host and file watchers. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
    if (child.pid === undefined) return;
    try {
        process.kill(-child.pid, signal);
    } catch {
        /* already gone */
    }
}

// code-server runs in its own process group, so it would outlive a test process
// that exits or is interrupted before close(); these hooks take it down too.
const liveSessions = new Map<ChildProcess, string>();
let exitHooksInstalled = false;
function trackServer(child: ChildProcess, tempDir: string): void {
    liveSessions.set(child, tempDir);
    if (exitHooksInstalled) return;
    exitHooksInstalled = true;
    const killAll = () =>
        liveSessions.forEach((dir, c) => {
            killGroup(c, "SIGKILL");
            rmSync(dir, {recursive: true, force: true, maxRetries: 3});
        });
    process.on("exit", killAll);
    for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
        process.once(sig, () => {
            killAll();
            process.kill(process.pid, sig);
        });
    }
}

async function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
    if (child.exitCode !== null || child.signalCode !== null) return true;
    return new Promise((res) => {
        const t = setTimeout(() => res(false), ms);
        child.once("exit", () => {
            clearTimeout(t);
            res(true);
        });
    });
}

async function runCodeServer(editor: EditorInstall, what: string, args: string[], env: NodeJS.ProcessEnv, log: string): Promise<void> {
    const cmd = codeServerCommand(editor);
    try {
        const {stdout, stderr} = await execFileP(cmd.file, [...cmd.args, ...args], {env, timeout: 120_000});
        await writeFile(log, stdout + stderr, {flag: "a"});
    } catch (e) {
        const err = e as {stdout?: string; stderr?: string; message: string};
        const output = `${err.stdout ?? ""}${err.stderr ?? ""}`;
        await writeFile(log, output, {flag: "a"});
        const tail = output.trim().split("\n").slice(-3).join("\n");
        throw new Error(`code-server: ${what} failed (full log: ${log}):\n${tail || err.message}`, {cause: e});
    }
}

/** Starts code-server with a fresh profile, installs the VSIX and opens the workspace in Chromium. */
export async function startVsCode(opts: StartOptions): Promise<VsCodeSession> {
    const root = repoRoot();
    const editor = editorInstall(root, opts.editor);
    const workspaceDir = resolve(opts.workspaceDir);
    const artifactsDir = join(opts.resultsDir ?? join(root, "test-results/e2e"), `${opts.name ?? "session"}-${editor.id}-${Date.now()}`);
    mkdirSync(artifactsDir, {recursive: true});
    const serverLogFile = join(artifactsDir, "code-server.log");

    const tempDir = await mkdtemp(join(tmpdir(), "qp-e2e-"));
    const userDataDir = join(tempDir, "user-data");
    const extensionsDir = join(tempDir, "extensions");
    const logsDir = join(userDataDir, "logs");
    for (const scope of SETTINGS_SCOPES) mkdirSync(join(userDataDir, scope), {recursive: true});
    mkdirSync(extensionsDir, {recursive: true});
    const settings = {
        "security.workspace.trust.enabled": opts.workspaceTrust === true,
        "security.workspace.trust.startupPrompt": "never",
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": false,
        "telemetry.telemetryLevel": "off",
        "update.mode": "none",
        "extensions.autoCheckUpdates": false,
        "extensions.autoUpdate": false,
        "git.enabled": false,
        ...opts.settings
    };
    for (const scope of SETTINGS_SCOPES) await writeFile(join(userDataDir, scope, "settings.json"), JSON.stringify(settings, null, 2));
    // An own config file, so code-server never writes ~/.config/code-server/config.yaml.
    const configFile = join(tempDir, "config.yaml");
    await writeFile(configFile, "auth: none\n");
    const env: NodeJS.ProcessEnv = editor.env({...process.env, ...opts.env});
    delete env.PASSWORD;
    delete env.HASHED_PASSWORD;
    const common = ["--config", configFile, "--user-data-dir", userDataDir, "--extensions-dir", extensionsDir];

    let child: ChildProcess | undefined;
    let browser: Browser | undefined;
    let closed = false;

    const close = async (): Promise<void> => {
        if (closed) return;
        closed = true;
        // Last view of the page, for diagnosing a failed test.
        const page = browser?.contexts()[0]?.pages()[0];
        await page?.screenshot({path: join(artifactsDir, "final.png"), timeout: 5_000}).catch(() => undefined);
        await browser?.close().catch(() => undefined);
        if (child) {
            killGroup(child, "SIGTERM");
            if (!(await waitExit(child, 5_000))) killGroup(child, "SIGKILL");
            await waitExit(child, 5_000);
            // The ext host may outlive the server briefly; the group kill covers it.
            killGroup(child, "SIGKILL");
            liveSessions.delete(child);
        }
        // VS Code's logs (the extension host's and QuantPilot's output channel among them) go
        // with the temp dir, so keep a copy beside the screenshot.
        await cp(logsDir, join(artifactsDir, "logs"), {recursive: true}).catch(() => undefined);
        await rm(tempDir, {recursive: true, force: true, maxRetries: 3});
    };

    try {
        for (const path of [opts.vsixPath, ...(opts.extraVsixPaths ?? [])]) {
            const vsix = resolve(path);
            await runCodeServer(editor, `installing ${vsix}`, [...common, "--install-extension", vsix, "--force"], env, serverLogFile);
        }

        const port = await freeLoopbackPort();
        const baseUrl = `http://127.0.0.1:${port}`;
        const out = createWriteStream(serverLogFile, {flags: "a"});
        const cmd = codeServerCommand(editor);
        child = spawn(
            cmd.file,
            [
                ...cmd.args,
                ...common,
                "--auth", "none",
                "--bind-addr", `127.0.0.1:${port}`,
                "--disable-telemetry",
                "--disable-update-check",
                "--disable-getting-started-override",
                ...(opts.workspaceTrust ? [] : ["--disable-workspace-trust"]),
                ...(opts.logLevel != null ? ["--log", opts.logLevel] : []),
                "--ignore-last-opened",
                workspaceDir
            ],
            {env, detached: true, stdio: ["ignore", "pipe", "pipe"]}
        );
        child.stdout?.pipe(out);
        child.stderr?.pipe(out);
        trackServer(child, tempDir);
        const proc = child;
        await waitFor(async () => {
            if (proc.exitCode !== null) throw new Error(`code-server exited with ${proc.exitCode}; see ${serverLogFile}`);
            const r = await fetch(`${baseUrl}/healthz`).catch(() => undefined);
            return r?.ok;
        }, `code-server on ${baseUrl} (log: ${serverLogFile})`, 60_000).catch((e: Error) => {
            // A dead server is final; rethrow without the polling noise.
            throw proc.exitCode !== null ? new Error(`code-server exited with ${proc.exitCode}; see ${serverLogFile}`, {cause: e}) : e;
        });

        browser = await chromium.launch({executablePath: process.env.QP_CHROMIUM ?? "/usr/bin/chromium", args: CHROMIUM_ARGS});
        const context = await browser.newContext({viewport: opts.viewport ?? {width: 1400, height: 900}});
        const page = await context.newPage();
        page.setDefaultTimeout(UI_TIMEOUT_MS);
        await slowDownPage(context, page);
        await page.goto(`${baseUrl}/?folder=${encodeURIComponent(workspaceDir)}`, {timeout: 60_000});
        await page.locator(".monaco-workbench").waitFor({timeout: WORKBENCH_TIMEOUT_MS});
        const session = makeSession({editor, page, browser, baseUrl, userDataDir, extensionsDir, serverLogFile, artifactsDir, logsDir, root, close});
        // The workbench shows before the ext host has registered the extensions; until
        // then the palette answers "No matching commands" for contributed commands.
        await waitFor(
            async () => (await readFile(join(await session.extHostLogDir(), "remoteexthost.log"), "utf8")).includes("Eager extensions activated"),
            "the extension host to start (remoteexthost.log)",
            WORKBENCH_TIMEOUT_MS
        );
        return session;
    } catch (e) {
        await close();
        throw e;
    }
}

/**
 * The page inside a visible webview iframe once it is written (the inner frame starts as
 * about:blank), or null. A page that names itself with a different title than the tab's
 * belongs to another webview.
 */
async function contentOfWebview(outer: ElementHandle, tabTitle: string | null): Promise<Frame | null> {
    if (!await outer.isVisible())
        return null;
    const inner = await (await outer.contentFrame())?.$("#active-frame");
    const frame = await inner?.contentFrame();
    if (frame == null)
        return null;
    const page = await frame.evaluate(() => ({ready: document.readyState === "complete" && document.body !== null, title: document.title})).catch(() => null);
    if (page == null || !page.ready)
        return null;
    return tabTitle == null || page.title === "" || page.title === tabTitle ? frame : null;
}

type SessionParts = Pick<VsCodeSession, "editor" | "page" | "browser" | "baseUrl" | "userDataDir" | "extensionsDir" | "serverLogFile" | "artifactsDir" | "logsDir" | "close"> & {
    root: string;
};

function makeSession(p: SessionParts): VsCodeSession {
    const {page} = p;
    const quickInput = page.locator(".quick-input-widget");
    const quickInputBox = quickInput.locator(".quick-input-box input");

    const extHostLogDir = () =>
        waitFor(async () => {
            // Newest server start first; code-server names them by timestamp.
            const starts = (await readdir(p.logsDir).catch(() => [] as string[])).sort().reverse();
            for (const s of starts) {
                const dir = join(p.logsDir, s);
                const hosts = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.startsWith("exthost")).sort();
                const last = hosts[hosts.length - 1];
                if (last) return join(dir, last);
            }
            return undefined;
        }, `an exthost log folder under ${p.logsDir}`, WORKBENCH_TIMEOUT_MS);

    const waitForActivation = async (extensionId: string, timeoutMs = 60_000): Promise<void> => {
        const needle = `_doactivateextension ${extensionId},`.toLowerCase();
        const file = join(await extHostLogDir(), "remoteexthost.log");
        await waitFor(async () => (await readFile(file, "utf8")).toLowerCase().includes(needle), `activation of ${extensionId}`, timeoutMs);
    };

    const findFiles = async (dir: string, match: (name: string) => boolean, depth = 3): Promise<string[]> => {
        const found: string[] = [];
        for (const entry of await readdir(dir, {withFileTypes: true}).catch(() => [])) {
            const full = join(dir, entry.name);
            if (entry.isDirectory() && depth > 0) found.push(...(await findFiles(full, match, depth - 1)));
            else if (entry.isFile() && match(entry.name)) found.push(full);
        }
        return found;
    };

    const readOutputChannel = async (name: string): Promise<string | null> => {
        const dir = await extHostLogDir();
        const files = await findFiles(dir, (f) => f === `${name}.log` || new RegExp(`^\\d+-${escapeRegExp(name)}\\.log$`).test(f));
        if (files.length === 0) return null;
        // Several starts of the same channel: read the newest.
        const withTimes = await Promise.all(files.map(async (f) => ({f, t: (await stat(f)).mtimeMs})));
        withTimes.sort((a, b) => b.t - a.t);
        return readFile(withTimes[0]!.f, "utf8");
    };

    const activeTabLabel = page.locator(".editor-group-container.active .tabs-container .tab.active");

    const openFile = async (relativePath: string): Promise<void> => {
        const name = basename(relativePath);
        await waitFor(async () => {
            await page.keyboard.press("Escape");
            await page.keyboard.press("Control+P");
            await quickInputBox.waitFor({state: "visible", timeout: 5_000});
            await quickInputBox.fill(relativePath);
            // The file index is built in the background; retry until the row shows up.
            const row = quickInput.locator(".monaco-list-row", {hasText: name}).first();
            await row.waitFor({state: "visible", timeout: 5_000});
            await page.keyboard.press("Enter");
            await waitFor(async () => (await activeTabLabel.getAttribute("aria-label", {timeout: 1_000}))?.includes(name), `tab ${name}`, 5_000);
            return true;
        }, `editor tab for ${relativePath}`, UI_TIMEOUT_MS * 2);
        // Put the caret into the editor so typing goes there.
        const editor = page.locator(".editor-group-container.active .monaco-editor .view-lines").first();
        await editor.waitFor({state: "visible"});
        await page.locator(".editor-group-container.active .monaco-editor textarea.inputarea, .editor-group-container.active .monaco-editor .native-edit-context").first().focus();
        // Typing goes where the keyboard focus is: wait until the editor itself holds it (Monaco marks
        // its root "focused" once its input has the focus) and the cursor is drawn.
        await waitFor(() => page.evaluate(() => {
            const editorRoot = document.querySelector(".editor-group-container.active .monaco-editor.focused");
            return editorRoot != null && editorRoot.contains(document.activeElement) && editorRoot.querySelector(".cursors-layer .cursor") != null;
        }), `the keyboard focus in the editor of ${relativePath}`);
        // VS Code makes an editor's inline-completion controller only once the window is idle after
        // the editor is made (an "Eventually" editor contribution; at the latest 5 s later), and keys
        // typed before it exists ask for no inline completion: on a busy machine the first request of
        // a test was sometimes never made. Idle callbacks run in the order they were requested, so
        // when one requested now has run, the editor's has too.
        await page.evaluate(() => new Promise<void>((resolve) => requestIdleCallback(() => resolve())));
    };

    const runCommand = async (title: string): Promise<void> => {
        // Enter runs the first row, so wait until the exact title is first; refill on
        // every try because the list does not refresh when commands register later.
        const label = quickInput.locator(".monaco-list-row").first().locator(".label-name");
        await waitFor(async () => {
            await page.keyboard.press("Escape");
            await page.keyboard.press("F1");
            await quickInputBox.waitFor({state: "visible", timeout: 5_000});
            // The palette closes when a webview takes focus just after it opened; a short
            // fill timeout lets the loop open it again instead of spending its whole budget here.
            await quickInputBox.fill(`>${title}`, {timeout: 3_000});
            return waitFor(async () => (await label.textContent({timeout: 500}))?.replace(/\s+/g, " ").trim() === title, "row", 2_000);
        }, `command "${title}" in the palette`);
        await page.keyboard.press("Enter");
        await quickInput.waitFor({state: "hidden"});
    };

    const readGhost = (): Promise<string | null> =>
        page.evaluate(() => {
            const editor = document.querySelector(".editor-group-container.active .monaco-editor.focused")
                ?? document.querySelector(".editor-group-container.active .monaco-editor");
            if (!editor) return null;
            // VS Code 1.100: the first line is injected text `span.ghost-text-decoration` on
            // the cursor line; further lines live in a view zone `.suggest-preview-text`,
            // one `.view-line` each, whose ghost parts are `span.ghost-text` (the rest of
            // such a line can be the original text after the cursor).
            const inline = [...editor.querySelectorAll(".ghost-text-decoration, .ghost-text-decoration-preview")]
                .map((e) => e.textContent ?? "")
                .join("");
            const extra = [...editor.querySelectorAll(".suggest-preview-text .view-line")].map((line) =>
                [...line.querySelectorAll(".ghost-text")].map((e) => e.textContent ?? "").join("")
            );
            if (!inline && extra.length === 0) return null;
            return [inline, ...extra].join("\n").replace(/\u00a0/g, " ");
        });

    const editorText = (): Promise<string> =>
        page.evaluate(() => {
            const lines = [...document.querySelectorAll<HTMLElement>(".editor-group-container.active .monaco-editor .view-lines .view-line")];
            // Lines are absolutely positioned and recycled, so DOM order is not line order.
            lines.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
            return lines.map((l) => (l.textContent ?? "").replace(/\u00a0/g, " ")).join("\n");
        });

    // The inline part and the view zone render in separate passes; a read between
    // them gives half a suggestion, so only return a value seen twice in a row.
    const ghostText = async (): Promise<string | null> => {
        let last = await readGhost();
        for (let i = 0; i < 20; i++) {
            await page.waitForTimeout(50);
            const now = await readGhost();
            if (now === last) return now;
            last = now;
        }
        return last;
    };

    const statusBarText: VsCodeSession["statusBarText"] = async (idOrPredicate) => {
        const items = await page.$$eval("#workbench\\.parts\\.statusbar .statusbar-item", (els) =>
            els.map((e) => ({id: e.id, text: (e.textContent ?? "").replace(/\s+/g, " ").trim()}))
        );
        const hit = items.find((it) =>
            typeof idOrPredicate === "string" ? it.id === idOrPredicate || it.id.endsWith(`.${idOrPredicate}`) : idOrPredicate(it)
        );
        return hit ? hit.text : null;
    };

    const webviewFrame = async (titleOrSelector: string): Promise<Frame> => {
        const isSelector = /^[.#[]|^iframe/.test(titleOrSelector);
        const tab = page.locator(".tabs-container .tab", {hasText: titleOrSelector}).first();
        // A whole lookup is retried, not each step: just after a tab switch the previous editor's
        // webview can still be the visible one, and a hidden panel's webview is built anew (slow on
        // a busy machine), so a frame picked too early may never fill.
        return waitFor(async () => {
            if (!isSelector) {
                if (await tab.getAttribute("aria-selected", {timeout: 2_000}) !== "true")
                    await tab.click({timeout: 2_000});
                if (await tab.getAttribute("aria-selected", {timeout: 2_000}) !== "true")
                    return undefined;
            }
            for (const outer of await page.locator(isSelector ? titleOrSelector : "iframe.webview.ready").elementHandles()) {
                const frame = await contentOfWebview(outer, isSelector ? null : titleOrSelector);
                if (frame != null)
                    return frame;
            }
            return undefined;
        }, `webview ${titleOrSelector}`, WORKBENCH_TIMEOUT_MS / 2);
    };

    const notifications = async (): Promise<string[]> =>
        page.$$eval(".notifications-toasts .notification-toast .notification-list-item-message", (els) =>
            els.map((e) => (e.textContent ?? "").trim())
        );

    const allNotifications = async (): Promise<string[]> => {
        await runCommand("Notifications: Show Notifications");
        const center = ".notifications-center .notification-list-item-message";
        await page.waitForSelector(center, {timeout: UI_TIMEOUT_MS}).catch(() => undefined);
        const texts = await page.$$eval(center, (els) => els.map((e) => (e.textContent ?? "").trim()));
        await page.keyboard.press("Escape");
        return texts;
    };

    const screenshot = async (path: string): Promise<string> => {
        const out = resolve(p.root, path);
        mkdirSync(dirname(out), {recursive: true});
        await page.screenshot({path: out});
        return out;
    };

    return {
        editor: p.editor,
        page,
        browser: p.browser,
        baseUrl: p.baseUrl,
        userDataDir: p.userDataDir,
        extensionsDir: p.extensionsDir,
        serverLogFile: p.serverLogFile,
        artifactsDir: p.artifactsDir,
        logsDir: p.logsDir,
        extHostLogDir,
        waitForActivation,
        readOutputChannel,
        openFile,
        typeText: (text, o) => page.keyboard.type(text, {delay: o?.delay ?? 20}),
        editorText,
        ghostText,
        triggerInlineSuggest: () => runCommand("Trigger Inline Suggestion"),
        runCommand,
        statusBarText,
        webviewFrame,
        notifications,
        allNotifications,
        screenshot,
        close: p.close
    };
}

function escapeRegExp(s: string): string {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
