import {mkdir, readdir, readFile, rename, rm, writeFile} from "node:fs/promises";
import {join} from "node:path";
import type {AbReport} from "./abReport";

/** One saved run, as the history list shows it. */
export interface AbHistoryEntry {
    readonly id: string;
    readonly createdAt: string;
    readonly reference: string;
    readonly candidates: readonly string[];
    readonly verdicts: readonly string[];
}

/**
 * Saved A/B runs as plain JSON files in one folder (one file per run, named by time and
 * reference), so they survive restarts, can be read by other tools and deleted by hand.
 * A file that cannot be read is left out of the list, never fatal.
 */
export class AbHistory {
    constructor(readonly dir: string) {}

    async save(report: AbReport): Promise<AbHistoryEntry> {
        await mkdir(this.dir, {recursive: true});
        const id = await this.freeId(historyId(report));
        const path = join(this.dir, `${id}.json`);
        // Written under a temporary name (this process's, which the start-up sweep removes if a
        // kill leaves it) and renamed: a crash never leaves half a file in the list.
        const temp = `${path}.${process.pid}.tmp`;
        await writeFile(temp, JSON.stringify(report, null, 1), "utf8");
        await rename(temp, path);
        return entryOf(id, report);
    }

    /** Newest first. */
    async list(): Promise<AbHistoryEntry[]> {
        const names = await readdir(this.dir).catch(() => [] as string[]);
        const entries: AbHistoryEntry[] = [];
        for (const name of names.filter((n) => n.endsWith(".json"))) {
            const id = name.slice(0, -".json".length);
            const report = await this.load(id).catch(() => undefined);
            if (report != null)
                entries.push(entryOf(id, report));
        }
        return entries.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
    }

    async load(id: string): Promise<AbReport> {
        if (!/^[\w.-]+$/.test(id))
            throw new RangeError(`not a history id: ${id}`);
        const report = JSON.parse(await readFile(join(this.dir, `${id}.json`), "utf8")) as AbReport;
        if (report?.version !== 1 || report.reference == null || !Array.isArray(report.candidates))
            throw new Error(`${id} is not an A/B report this version can read`);
        return report;
    }

    async remove(id: string): Promise<void> {
        if (!/^[\w.-]+$/.test(id))
            throw new RangeError(`not a history id: ${id}`);
        await rm(join(this.dir, `${id}.json`), {force: true});
    }

    private async freeId(base: string): Promise<string> {
        const taken = new Set(await readdir(this.dir).catch(() => [] as string[]));
        let id = base;
        for (let n = 2; taken.has(`${id}.json`); n++)
            id = `${base}-${n}`;
        return id;
    }
}

function historyId(report: AbReport): string {
    const time = report.createdAt.replace(/[-:]/g, "").replace(/\.\d+Z$/, "").replace("T", "-");
    const name = report.reference.model.fileName.replace(/\.gguf$/i, "").replace(/[^\w.-]+/g, "_").slice(0, 60);
    return `${time}-${name}`;
}

function entryOf(id: string, report: AbReport): AbHistoryEntry {
    return {
        id,
        createdAt: report.createdAt,
        reference: report.reference.model.fileName,
        candidates: report.candidates.map((c) => c.model.fileName),
        verdicts: report.candidates.map((c) => c.verdict)
    };
}
