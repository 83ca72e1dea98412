import {mkdir, readFile, writeFile} from "node:fs/promises";
import {join} from "node:path";

const FILE = "models-last-used.json";

/**
 * When each model was last loaded, kept in the extension's storage (not in the settings, which
 * sync across machines whose model files differ).
 */
export class LastUsed {
    private entries: Record<string, number> | undefined;

    constructor(private readonly storageDir: string) {}

    async get(path: string): Promise<number | undefined> {
        return (await this.load())[path];
    }

    async touch(path: string, when = Date.now()): Promise<void> {
        const entries = await this.load();
        entries[path] = when;
        await mkdir(this.storageDir, {recursive: true});
        await writeFile(join(this.storageDir, FILE), JSON.stringify(entries));
    }

    async forget(path: string): Promise<void> {
        const entries = await this.load();
        delete entries[path];
        await writeFile(join(this.storageDir, FILE), JSON.stringify(entries)).catch(() => undefined);
    }

    private async load(): Promise<Record<string, number>> {
        if (this.entries == null) {
            try {
                const parsed: unknown = JSON.parse(await readFile(join(this.storageDir, FILE), "utf8"));
                this.entries = parsed != null && typeof parsed === "object" ? parsed as Record<string, number> : {};
            } catch {
                this.entries = {};
            }
        }
        return this.entries;
    }
}
