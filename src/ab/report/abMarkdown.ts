import {abTable, type Row} from "./abTable";
import type {AbReport} from "./abReport";

/** The report as a Markdown document: verdicts, a side-by-side table, then method and notes. */
export function abMarkdown(report: AbReport): string {
    const ref = report.reference;
    const {header, rows} = abTable(report);
    return [
        `# Quantization A/B: ${ref.model.fileName}`,
        "",
        `${report.createdAt} \u00b7 window ${report.settings.window} tokens \u00b7 ${report.settings.threads} thread(s) on ${report.settings.backend} \u00b7 ` +
            `${report.machine.cpu} (${report.machine.cores} cores)${report.machine.gpu != null ? `, ${report.machine.gpu}` : ""} \u00b7 ${report.durationSeconds.toFixed(0)} s`,
        "",
        "## Verdicts",
        "",
        ...report.candidates.map((c) => `- ${c.verdict}`),
        "",
        `Reference: ${ref.model.fileName} \u2014 ${ref.label}.`,
        "",
        "## Side by side",
        "",
        table([header, ...rows]),
        "",
        "Intervals are 95 % bootstrap intervals (windows resampled for the distribution metrics, items for tasks); " +
            "timings show the median and [min\u2013max] of n repetitions.",
        "",
        "## Notes",
        "",
        ...report.notes.map((n) => `- ${n}`),
        ""
    ].join("\n");
}

function table(rows: Row[]): string {
    const escape = (cell: string) => cell.replace(/\|/g, "\\|");
    const [header, ...body] = rows;
    return [
        `| ${header!.map(escape).join(" | ")} |`,
        `|${header!.map(() => "---").join("|")}|`,
        ...body.map((row) => `| ${row.map(escape).join(" | ")} |`)
    ].join("\n");
}
