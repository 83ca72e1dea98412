import * as vscode from "vscode";
import {basename} from "node:path";
import type {ModelServices} from "./modelServices";
import {formatBytes} from "../util/format";
import {LastUsed} from "./lastUsed";
import {modelsDir} from "./modelsDir";
import {ModelsView, type ModelNode} from "./modelsView";
import {sweepStrayPartials} from "./partialSweep";
import {switchTo} from "./switchQuantization";

/**
 * Model management in the editor: the Models view, last-used tracking, and the sweep of
 * quantization leftovers at activation. Commands live in their own files and reach this through
 * `QuantPilot.modelManagement`.
 */
export class ModelManagement implements vscode.Disposable {
    readonly lastUsed: LastUsed;
    readonly view: ModelsView;
    private readonly disposables: vscode.Disposable[] = [];

    constructor(private readonly services: ModelServices) {
        this.lastUsed = new LastUsed(services.storageDir);
        this.view = new ModelsView(services, this.lastUsed);
        this.disposables.push(this.view, services.models.onDidChangeState((state) => {
            if (state.kind === "ready")
                void this.lastUsed.touch(state.model.path).catch((err: unknown) => services.log.debug(`Could not record last use: ${String(err)}`));
        }));
        void sweepStrayPartials(services.storageDir, modelsDir(services), services.config.modelPath, services.log);
    }

    /** Models view: load (switch to) the model. */
    async load(node: ModelNode | undefined): Promise<void> {
        if (node != null)
            await switchTo(this.services, node.path);
    }

    /** Models view: reveal the file in the operating system's file manager. */
    async reveal(node: ModelNode | undefined): Promise<void> {
        if (node != null)
            await vscode.commands.executeCommand("revealFileInOS", vscode.Uri.file(node.path));
    }

    /** Models view: delete after confirmation (to the trash where there is one); unloads it first if loaded. */
    async delete(node: ModelNode | undefined): Promise<void> {
        if (node == null)
            return;
        const loaded = this.services.models.model?.path === node.path;
        const choice = await vscode.window.showWarningMessage(
            `Delete ${basename(node.path)} (${formatBytes(node.model.sizeBytes)})?`,
            {modal: true, detail: `${node.path}${loaded ? "\n\nIt is loaded now; QuantPilot unloads it first." : ""}`},
            "Delete");
        if (choice !== "Delete")
            return;
        if (loaded)
            await this.services.models.unload();
        if (this.services.config.modelPath === node.path)
            await this.services.config.setModelPath("");
        await vscode.workspace.fs.delete(vscode.Uri.file(node.path), {useTrash: true}).then(undefined,
            () => vscode.workspace.fs.delete(vscode.Uri.file(node.path), {useTrash: false}));
        await this.lastUsed.forget(node.path);
        this.services.log.info(`Deleted ${node.path}`);
        this.view.refresh();
    }

    dispose(): void {
        for (const d of this.disposables.splice(0).reverse())
            d.dispose();
    }
}
