import {test} from "node:test";
import assert from "node:assert/strict";
import {mkdtemp, open, readFile, rm, stat, utimes, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {fileIdentity, hashHeader} from "../../src/engine/guard/fileIdentity";
import {VerdictCache, type CachedVerdict} from "../../src/engine/guard/verdictCache";

async function withDir(run: (dir: string) => Promise<void>): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), "qp-verdicts-"));
    try {
        await run(dir);
    } finally {
        await rm(dir, {recursive: true, force: true});
    }
}

async function verdictFor(path: string, engine: string, headerBytes = 64): Promise<CachedVerdict> {
    return {
        ...await fileIdentity(path), headerBytes, headerHash: await hashHeader(path, headerBytes), engine,
        accepted: false, reason: "a reason", checkedAt: new Date(0).toISOString()
    };
}

test("a verdict is found again only for the same file contents, times and engine", async () => {
    await withDir(async (dir) => {
        const model = join(dir, "m.gguf");
        await writeFile(model, Buffer.alloc(4096, 1));
        const cache = new VerdictCache(join(dir, "store"));
        await cache.store(await verdictFor(model, "cpu"));
        assert.equal((await cache.find(await fileIdentity(model), "cpu"))?.reason, "a reason");
        assert.equal(await cache.find(await fileIdentity(model), "cuda"), undefined, "another engine");
        // A fresh cache object reads the same file (another process, a restart).
        assert.equal((await new VerdictCache(join(dir, "store")).find(await fileIdentity(model), "cpu"))?.reason, "a reason");

        // Same size and times, different header bytes: the hash tells them apart.
        const {mtime, atime} = await stat(model);
        const handle = await open(model, "r+");
        await handle.write(Buffer.from([9]), 0, 1, 10);
        await handle.close();
        await utimes(model, atime, mtime);
        assert.equal(await cache.find(await fileIdentity(model), "cpu"), undefined, "header changed");

        await cache.store(await verdictFor(model, "cpu"));
        await utimes(model, atime, new Date(mtime.getTime() + 5000));
        assert.equal(await cache.find(await fileIdentity(model), "cpu"), undefined, "modified later");
    });
});

test("a damaged cache file counts as empty and is replaced on the next store", async () => {
    await withDir(async (dir) => {
        const model = join(dir, "m.gguf");
        await writeFile(model, Buffer.alloc(256));
        const cache = new VerdictCache(dir);
        await writeFile(cache.file, "{ not json");
        assert.equal(await cache.find(await fileIdentity(model), "cpu"), undefined);
        await cache.store(await verdictFor(model, "cpu"));
        assert.equal(JSON.parse(await readFile(cache.file, "utf8")).entries.length, 1);
    });
});

test("the cache keeps the most recent 200 files", async () => {
    await withDir(async (dir) => {
        const model = join(dir, "m.gguf");
        await writeFile(model, Buffer.alloc(256));
        const cache = new VerdictCache(dir);
        const verdict = await verdictFor(model, "cpu");
        for (let i = 0; i < 205; i++)
            await cache.store({...verdict, realPath: `${model}.${i}`});
        const entries = JSON.parse(await readFile(cache.file, "utf8")).entries as CachedVerdict[];
        assert.equal(entries.length, 200);
        assert.equal(entries[199]!.realPath, `${model}.204`);
    });
});
