import * as vscode from "vscode";
import {apiKeyId, describeEndpoint, type ServerEndpoint} from "../serverEndpoint";

/**
 * API keys of the configured servers, in the editor's secret storage (the OS keychain where there
 * is one), never in settings files or logs. A key is filed under the endpoint's name and origin.
 */
export class ApiKeys {
    constructor(private readonly secrets: vscode.SecretStorage) {}

    get(endpoint: ServerEndpoint): Promise<string | undefined> {
        return Promise.resolve(this.secrets.get(apiKeyId(endpoint)));
    }

    /** A key changed: `listener` gets its secret-storage id (compare with apiKeyId). */
    onDidChange(listener: (id: string) => void): vscode.Disposable {
        return this.secrets.onDidChange((event) => event.key.startsWith("quantpilot.server.apiKey:") && listener(event.key));
    }

    /** The command: pick a server, then set (typed hidden) or clear its key. */
    async setOrClear(endpoints: readonly ServerEndpoint[]): Promise<void> {
        if (endpoints.length === 0) {
            const open = await vscode.window.showInformationMessage("No servers are configured yet: add one to quantpilot.servers.endpoints first.", "Open Settings");
            if (open != null)
                await vscode.commands.executeCommand("workbench.action.openSettings", "quantpilot.servers.endpoints");
            return;
        }
        const withKeys = await Promise.all(endpoints.map(async (endpoint) => ({endpoint, hasKey: (await this.get(endpoint)) != null})));
        const picked = await vscode.window.showQuickPick(withKeys.map((e) => ({
            label: e.endpoint.name, description: describeEndpoint(e.endpoint), detail: e.hasKey ? "A key is set" : "No key set", ...e
        })), {title: "QuantPilot: Server API Key", placeHolder: "Which server?"});
        if (picked == null)
            return;
        const action = await vscode.window.showQuickPick(["Set key…", ...(picked.hasKey ? ["Clear key"] : [])], {title: `API key for ${picked.endpoint.name}`});
        if (action === "Clear key") {
            await this.secrets.delete(apiKeyId(picked.endpoint));
            void vscode.window.showInformationMessage(`The API key for ${picked.endpoint.name} was removed.`);
        } else if (action != null) {
            const key = await vscode.window.showInputBox({
                title: `API key for ${describeEndpoint(picked.endpoint)}`, password: true, ignoreFocusOut: true,
                prompt: "Stored in the editor's secret storage; sent only to this server, as a bearer token.",
                validateInput: (value) => value.trim() === "" ? "Enter a key, or pick Clear key instead" : undefined
            });
            if (key != null)
                await this.secrets.store(apiKeyId(picked.endpoint), key.trim());
        }
    }
}
