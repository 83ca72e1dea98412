import * as vscode from "vscode";
import type {AbHistoryEntry} from "../report/abHistory";
import type {AbReport} from "../report/abReport";
import {abHistoryView, abResultView} from "../../panel/panelViews";
import {timeLeftText} from "../runner/abProgress";
import type {AbTabView, MeasuredView, VariantsView, WebviewMessage} from "../../panel/protocol";
import {measurementsOf} from "./abMeasurements";
import {exportAbReport} from "./abReportView";
import type {AbService} from "./abService";

/** Comparisons the panel lists. */
const HISTORY_SHOWN = 30;

type AbMessage = Extract<WebviewMessage, {type: "abCompare" | "abCancel" | "abSelect" | "abExport"}>;

/**
 * What the panel's A/B tab shows and does, kept out of the panel host: the running comparison,
 * the history, the selected report with its chart series, and the measurements fed back into
 * the quantization list. Reads the history again only when a run ends or an entry is deleted,
 * not on every progress step.
 */
export class AbPanelFeed implements vscode.Disposable {
    private selectedId: string | undefined;
    private history: AbHistoryEntry[] | undefined;
    private readonly reports = new Map<string, AbReport>();
    private readonly subscription: vscode.Disposable;
    private variants: {found: VariantsView; apply: (variants: VariantsView) => void} | undefined;
    private sequence = 0;

    constructor(private readonly ab: AbService, private readonly post: (ab: AbTabView) => void) {
        this.subscription = ab.onDidChange(() => {
            if (!ab.isRunning) {
                this.history = undefined;
                if (this.variants != null)
                    this.showMeasurements(this.variants.found, this.variants.apply);
            }
            void this.view().then(post);
        });
    }

    async view(): Promise<AbTabView> {
        const state = this.ab.runState;
        this.history ??= await this.ab.history.list();
        const id = this.selectedId != null && this.history.some((e) => e.id === this.selectedId) ? this.selectedId : this.history[0]?.id;
        const report = id == null ? undefined : await this.report(id);
        return {
            running: state.kind === "running" ? {message: state.progress.message, fraction: state.progress.fraction, timeLeft: timeLeftText(state.progress) ?? null, candidates: state.candidates} : null,
            history: this.history.slice(0, HISTORY_SHOWN).map(abHistoryView),
            selected: id == null || report == null ? null : abResultView(id, report)
        };
    }

    async handle(message: AbMessage): Promise<void> {
        switch (message.type) {
            case "abCompare":
                await vscode.commands.executeCommand("quantpilot.compareQuantizations");
                break;
            case "abCancel":
                this.ab.cancel();
                break;
            case "abSelect":
                this.selectedId = message.id;
                this.post(await this.view());
                break;
            case "abExport":
                await exportAbReport(this.ab, message.id, message.format).catch((err: unknown) =>
                    void vscode.window.showErrorMessage(`Could not export the comparison: ${(err as Error).message}`));
                break;
            default:
                message satisfies never;
        }
    }

    /**
     * Hands `apply` the variants with the newest perplexity and decode speed an A/B measured for
     * each file, now and again whenever a comparison finishes. A result computed for an older
     * list is dropped.
     */
    showMeasurements(found: VariantsView, apply: (variants: VariantsView) => void): void {
        this.variants = {found, apply};
        const sequence = ++this.sequence;
        void this.measure(found).then((variants) => {
            if (sequence === this.sequence)
                apply(variants);
        });
    }

    private async measure(variants: VariantsView): Promise<VariantsView> {
        if (variants.kind !== "ready")
            return variants;
        this.history ??= await this.ab.history.list();
        const measured = new Map<string, MeasuredView>();
        for (const entry of this.history.slice(0, HISTORY_SHOWN)) {
            const report = await this.report(entry.id);
            if (report != null)
                for (const [path, view] of measurementsOf(report))
                    if (!measured.has(path))
                        measured.set(path, view);
        }
        return {...variants, variants: variants.variants.map((v) => ({...v, measured: measured.get(v.path) ?? v.measured}))};
    }

    dispose(): void {
        this.subscription.dispose();
    }

    private async report(id: string): Promise<AbReport | undefined> {
        if (!this.reports.has(id)) {
            const report = await this.ab.history.load(id).catch(() => undefined);
            if (report == null)
                return undefined;
            this.reports.set(id, report);
        }
        return this.reports.get(id);
    }
}
