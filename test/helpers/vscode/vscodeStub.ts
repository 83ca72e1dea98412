// The part of the `vscode` module that the unit-tested VS Code glue uses, in plain Node. Test
// files get it in place of the real module through `installVscodeStub.ts`. It records what the
// user would see (notifications, progress, status bar text) and what the code did (commands,
// setting writes), and answers as the test tells it to.
import type * as vscode from "vscode";

export class Disposable implements vscode.Disposable {
    private disposed = false;

    constructor(private readonly callOnDispose: () => unknown) {}

    static from(...disposables: Array<{dispose: () => unknown}>): Disposable {
        return new Disposable(() => disposables.forEach((d) => d.dispose()));
    }

    dispose(): void {
        if (!this.disposed)
            this.callOnDispose();
        this.disposed = true;
    }
}

export class EventEmitter<T> implements vscode.EventEmitter<T> {
    private readonly listeners = new Set<(e: T) => unknown>();

    readonly event: vscode.Event<T> = (listener, thisArgs?: unknown, disposables?: vscode.Disposable[]) => {
        const bound = (e: T) => listener.call(thisArgs, e);
        this.listeners.add(bound);
        const subscription = new Disposable(() => this.listeners.delete(bound));
        disposables?.push(subscription);
        return subscription;
    };

    fire(data: T): void {
        for (const listener of [...this.listeners])
            listener(data);
    }

    dispose(): void {
        this.listeners.clear();
    }
}

export enum ProgressLocation {
    SourceControl = 1,
    Window = 10,
    Notification = 15
}

export enum ConfigurationTarget {
    Global = 1,
    Workspace = 2,
    WorkspaceFolder = 3
}

export enum QuickPickItemKind {
    Separator = -1,
    Default = 0
}

/** A notification as the user saw it. */
export interface ShownMessage {
    readonly severity: "information" | "warning" | "error";
    readonly text: string;
    readonly modal: boolean;
    readonly detail?: string;
    /** The buttons offered. */
    readonly actions: readonly string[];
}

/** A progress indicator as the user saw it; `cancel()` is the user pressing Cancel. */
export interface ShownProgress {
    readonly title: string | undefined;
    readonly location: ProgressLocation;
    readonly cancellable: boolean;
    readonly reports: Array<{message?: string; increment?: number}>;
    done: boolean;
    cancel(): void;
}

export interface ShownQuickPick {
    readonly items: readonly vscode.QuickPickItem[];
    readonly options: vscode.QuickPickOptions | undefined;
}

/** Everything the stub recorded since the last `reset()`, and how the "user" answers. */
export const ui = {
    messages: [] as ShownMessage[],
    progress: [] as ShownProgress[],
    quickPicks: [] as ShownQuickPick[],
    statusBar: [] as string[],
    commands: [] as Array<{command: string; args: unknown[]}>,
    settingWrites: [] as Array<{key: string; value: unknown; target: vscode.ConfigurationTarget | boolean | null | undefined}>,
    /** Language model tools registered through `lm.registerTool`, by name, while registered. */
    lmTools: new Map<string, vscode.LanguageModelTool<unknown>>(),
    /** Setting values by full id ("quantpilot.modelPath"); unset ones read as undefined (the default applies). */
    settings: new Map<string, unknown>(),
    /** The button the user presses on a message; undefined closes it. Default: closes every message. */
    answer: (_message: ShownMessage): string | undefined => undefined,
    /** The item the user picks; undefined dismisses the pick. Default: dismisses. */
    pick: (_pick: ShownQuickPick): vscode.QuickPickItem | undefined => undefined,
    /** What a command returns. Default: undefined. */
    runCommand: (_command: string, ..._args: unknown[]): unknown => undefined,
    /** Texts of the messages shown, for short assertions. */
    texts(severity?: ShownMessage["severity"]): string[] {
        return ui.messages.filter((m) => severity == null || m.severity === severity).map((m) => m.text);
    },
    reset(): void {
        ui.messages.length = 0;
        ui.progress.length = 0;
        ui.quickPicks.length = 0;
        ui.statusBar.length = 0;
        ui.commands.length = 0;
        ui.settingWrites.length = 0;
        ui.settings.clear();
        ui.lmTools.clear();
        lm.tools = [];
        workspace.isTrusted = true;
        ui.answer = () => undefined;
        ui.pick = () => undefined;
        ui.runCommand = () => undefined;
    }
};

export class CancellationTokenSource {
    private readonly cancelled = new EventEmitter<void>();
    readonly token: vscode.CancellationToken = {isCancellationRequested: false, onCancellationRequested: this.cancelled.event};

    cancel(): void {
        if (this.token.isCancellationRequested)
            return;
        this.token.isCancellationRequested = true;
        this.cancelled.fire();
    }
}

function showMessage(severity: ShownMessage["severity"]) {
    return async <T extends string | vscode.MessageItem>(text: string, ...rest: Array<T | vscode.MessageOptions>): Promise<T | undefined> => {
        const [first, ...others] = rest;
        const options = isMessageOptions(first) ? first : undefined;
        const items = (options != null ? others : rest) as T[];
        const message: ShownMessage = {
            severity, text, modal: options?.modal === true,
            ...(options?.detail != null ? {detail: options.detail} : {}),
            actions: items.map((item) => typeof item === "string" ? item : item.title)
        };
        ui.messages.push(message);
        const answer = ui.answer(message);
        return items.find((item) => (typeof item === "string" ? item : item.title) === answer);
    };
}

function isMessageOptions(value: unknown): value is vscode.MessageOptions {
    return value != null && typeof value === "object" && !("title" in value);
}

export const window = {
    showInformationMessage: showMessage("information"),
    showWarningMessage: showMessage("warning"),
    showErrorMessage: showMessage("error"),
    async withProgress<R>(
        options: vscode.ProgressOptions,
        task: (progress: vscode.Progress<{message?: string; increment?: number}>, token: vscode.CancellationToken) => Thenable<R>
    ): Promise<R> {
        const source = new CancellationTokenSource();
        const shown: ShownProgress = {
            title: options.title, location: options.location as ProgressLocation, cancellable: options.cancellable === true,
            reports: [], done: false, cancel: () => source.cancel()
        };
        ui.progress.push(shown);
        try {
            return await task({report: (value) => shown.reports.push(value)}, source.token);
        } finally {
            shown.done = true;
        }
    },
    async showQuickPick<T extends vscode.QuickPickItem>(items: readonly T[] | Thenable<readonly T[]>, options?: vscode.QuickPickOptions): Promise<T | undefined> {
        const shown: ShownQuickPick = {items: await items, options};
        ui.quickPicks.push(shown);
        return ui.pick(shown) as T | undefined;
    },
    setStatusBarMessage(text: string, _hide?: number | Thenable<unknown>): vscode.Disposable {
        ui.statusBar.push(text);
        return new Disposable(() => undefined);
    }
} satisfies Partial<typeof vscode.window>;

export const commands = {
    async executeCommand<T = unknown>(command: string, ...args: unknown[]): Promise<T> {
        ui.commands.push({command, args});
        return ui.runCommand(command, ...args) as T;
    }
} satisfies Partial<typeof vscode.commands>;

class Configuration implements vscode.WorkspaceConfiguration {
    readonly [key: string]: unknown;

    constructor(private readonly section: string) {}

    get<T>(key: string, defaultValue?: T): T | undefined {
        const id = this.id(key);
        return ui.settings.has(id) ? ui.settings.get(id) as T : defaultValue;
    }

    has(key: string): boolean {
        return ui.settings.has(this.id(key));
    }

    inspect<T>(key: string): {key: string; globalValue?: T} | undefined {
        const id = this.id(key);
        return ui.settings.has(id) ? {key: id, globalValue: ui.settings.get(id) as T} : {key: id};
    }

    async update(key: string, value: unknown, target?: vscode.ConfigurationTarget | boolean | null): Promise<void> {
        const id = this.id(key);
        ui.settingWrites.push({key: id, value, target});
        ui.settings.set(id, value);
    }

    private id(key: string): string {
        return this.section === "" ? key : `${this.section}.${key}`;
    }
}

export const workspace = {
    isTrusted: true as boolean,
    getConfiguration(section?: string): vscode.WorkspaceConfiguration {
        return new Configuration(section ?? "");
    }
} satisfies Partial<typeof vscode.workspace>;

// The language model API's data classes and enums (VS Code 1.95+), and `lm` with tool
// registration recorded in `ui.lmTools`. The 1.104 chat provider registration is not here: a
// test adds it to an object of its own, as an editor that has it would.
export const version = "1.100.0-stub";

export enum LanguageModelChatMessageRole {
    User = 1,
    Assistant = 2
}

export enum LanguageModelChatToolMode {
    Auto = 1,
    Required = 2
}

export class LanguageModelTextPart {
    constructor(public value: string) {}
}

export class LanguageModelToolCallPart {
    constructor(public callId: string, public name: string, public input: object) {}
}

export class LanguageModelToolResultPart {
    constructor(public callId: string, public content: unknown[]) {}
}

export class LanguageModelToolResult {
    constructor(public content: unknown[]) {}
}

export const lm = {
    /** What `lm.tools` lists (VS Code takes it from the extensions' package.json); a test fills it. */
    tools: [] as vscode.LanguageModelToolInformation[],
    registerTool<T>(name: string, tool: vscode.LanguageModelTool<T>): vscode.Disposable {
        if (ui.lmTools.has(name))
            throw new Error(`a tool named ${name} is already registered`);
        ui.lmTools.set(name, tool as vscode.LanguageModelTool<unknown>);
        return new Disposable(() => ui.lmTools.delete(name));
    }
};
