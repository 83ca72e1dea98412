import * as vscode from "vscode";
import {fitLabel, describeFit, type FitEstimate} from "../quant/fit";
import {listLocalModels, type LocalModel} from "../quant/localModels";
import type {ModelServices} from "./modelServices";
import {formatBytes, formatCount} from "../util/format";
import {fitFor} from "./fitPrompt";
import type {LastUsed} from "./lastUsed";
import {modelSearchDirs} from "./modelsDir";

/** One local model in the Models view; `path` lets commands that take a path take a node too. */
export interface ModelNode {
    readonly path: string;
    readonly model: LocalModel;
    readonly loaded: boolean;
    readonly fit: FitEstimate | undefined;
    readonly lastUsedMs: number | undefined;
}

/**
 * The QuantPilot Models view: the models in the models folder and beside the configured model,
 * with quantization, bits per weight, size, whether each fits now, and when it was last used.
 * The view's description shows the disk space they take together.
 */
export class ModelsView implements vscode.TreeDataProvider<ModelNode>, vscode.Disposable {
    private readonly changed = new vscode.EventEmitter<ModelNode | undefined>();
    readonly onDidChangeTreeData = this.changed.event;
    private readonly view: vscode.TreeView<ModelNode>;
    private readonly disposables: vscode.Disposable[] = [];

    constructor(private readonly services: ModelServices, private readonly lastUsed: LastUsed) {
        this.view = vscode.window.createTreeView("quantpilot.models", {treeDataProvider: this});
        this.disposables.push(
            this.view,
            this.changed,
            services.models.onDidChangeState(() => this.refresh()),
            vscode.workspace.onDidChangeConfiguration((e) => {
                if (e.affectsConfiguration("quantpilot.modelsDir") || e.affectsConfiguration("quantpilot.modelPath"))
                    this.refresh();
            })
        );
    }

    refresh(): void {
        this.changed.fire(undefined);
    }

    async getChildren(parent?: ModelNode): Promise<ModelNode[]> {
        if (parent != null)
            return [];
        const models = await listLocalModels(modelSearchDirs(this.services, this.services.config.modelPath));
        const loadedPath = this.services.models.model?.path;
        const nodes = await Promise.all(models.map(async (model): Promise<ModelNode> => ({
            path: model.path,
            model,
            loaded: model.path === loadedPath,
            fit: await fitFor(this.services, model.path),
            lastUsedMs: await this.lastUsed.get(model.path)
        })));
        const total = models.reduce((sum, m) => sum + m.sizeBytes, 0);
        this.view.description = models.length > 0 ? `${formatBytes(total)} in ${models.length} model${models.length === 1 ? "" : "s"}` : undefined;
        this.view.message = models.length === 0 ? "No models yet: download one, or select a GGUF file." : undefined;
        return nodes;
    }

    getTreeItem(node: ModelNode): vscode.TreeItem {
        const m = node.model;
        const item = new vscode.TreeItem(m.fileName, vscode.TreeItemCollapsibleState.None);
        item.description = [m.fileType ?? "?", `${m.bitsPerWeight.toFixed(2)} bpw`, formatBytes(m.sizeBytes),
            ...(node.fit != null ? [fitLabel(node.fit.verdict)] : []), ...(node.loaded ? ["loaded"] : [])].join(" · ");
        item.tooltip = new vscode.MarkdownString([
            `**${m.name ?? m.fileName}**`,
            "",
            `${m.architecture ?? "unknown architecture"}, ${formatCount(m.parameters)} parameters`,
            `${m.fileType ?? "unknown type"}, ${m.bitsPerWeight.toFixed(2)} bits/weight, ${formatBytes(m.sizeBytes)}`,
            node.fit != null ? describeFit(node.fit) : "memory need unknown",
            `Last used: ${node.lastUsedMs != null ? new Date(node.lastUsedMs).toLocaleString() : "never"}`,
            "",
            `\`${m.path}\``
        ].join("  \n"));
        item.iconPath = new vscode.ThemeIcon(node.loaded ? "pass-filled" : node.fit?.verdict === "none" ? "warning" : "file-binary");
        item.contextValue = node.loaded ? "quantpilot.model.loaded" : "quantpilot.model";
        item.resourceUri = vscode.Uri.file(m.path);
        return item;
    }

    dispose(): void {
        for (const d of this.disposables.splice(0).reverse())
            d.dispose();
    }
}
