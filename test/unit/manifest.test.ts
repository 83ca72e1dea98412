import {test} from "node:test";
import assert from "node:assert/strict";
import {readFileSync, readdirSync, statSync} from "node:fs";
import {join} from "node:path";
import {DEFAULT_EXCLUDE, DEFAULT_LANGUAGES} from "../../src/completion/completionDefaults";
import {REPO_ROOT} from "../helpers/paths";

interface Manifest {
    engines: {vscode: string};
    main: string;
    contributes: {
        commands: Array<{command: string}>;
        configuration: {properties: Record<string, {default?: unknown}>};
        keybindings?: Array<{command: string}>;
        menus?: Record<string, Array<{command?: string}>>;
    };
}

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as Manifest;

function sourceText(dir: string): string {
    return readdirSync(dir).map((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? sourceText(path) : name.endsWith(".ts") ? readFileSync(path, "utf8") : "";
    }).join("\n");
}

const source = sourceText(join(REPO_ROOT, "src"));

test("the extension runs in VS Code 1.100 (code-server 4.100.3)", () => {
    assert.match(manifest.engines.vscode, /^\^1\.(\d+)\.0$/);
    assert.ok(Number(/^\^1\.(\d+)/.exec(manifest.engines.vscode)![1]) <= 100);
    assert.equal(manifest.main, "./dist/extension.js");
});

test("every declared command has a handler in the source, and every menu or key names a declared command", () => {
    const declared = new Set(manifest.contributes.commands.map((c) => c.command));
    for (const id of declared)
        assert.ok(source.includes(`"${id}"`), `${id} is declared in package.json but never registered`);
    const referenced = [
        ...(manifest.contributes.keybindings ?? []).map((k) => k.command),
        ...Object.values(manifest.contributes.menus ?? {}).flat().map((m) => m.command).filter((c): c is string => c != null)
    ];
    for (const id of referenced)
        assert.ok(declared.has(id), `${id} is used in a menu or keybinding but not declared`);
});

test("every setting the code reads is declared, with the defaults the code assumes", () => {
    const properties = manifest.contributes.configuration.properties;
    const read = new Set([...source.matchAll(/getConfiguration\("quantpilot(?:\.([a-zA-Z.]+))?"\)/g)].map((m) => m[1] ?? ""));
    for (const section of read)
        assert.ok(Object.keys(properties).some((key) => key.startsWith(`quantpilot.${section}`)), `settings section quantpilot.${section} has no declared setting`);
    assert.deepEqual(properties["quantpilot.completions.exclude"]?.default, DEFAULT_EXCLUDE);
    assert.deepEqual(properties["quantpilot.completions.languages"]?.default, DEFAULT_LANGUAGES);
});
