import {test} from "node:test";
import assert from "node:assert/strict";
import {ESLint} from "eslint";

// The project's own eslint.config.mjs, run on snippets placed where the rule applies.
const eslint = new ESLint({cwd: process.cwd()});

async function refusedImports(filePath: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, {filePath});
    return result!.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => /'([^']+)'/.exec(m.message)?.[1] ?? m.message);
}

test("a webview app imports from src/ only the protocol files and the pure number formatting", async () => {
    assert.deepEqual(await refusedImports("webview/panel/tabs/example.ts", [
        'import type {ModelMemory} from "../../../src/engine/modelMemory";',
        'import type {PanelState} from "../../../src/panel/protocol";',
        "export type Example = [ModelMemory, PanelState];"
    ].join("\n")), ["../../../src/engine/modelMemory"]);
    assert.deepEqual(await refusedImports("webview/assistant/example.ts", [
        'import {formatBytes} from "../../src/util/format";',
        'import {abortError} from "../../src/util/abort";',
        'import type {HostMessage} from "../../src/assistant/protocol";',
        "export const example = [formatBytes, abortError] as unknown as HostMessage;"
    ].join("\n")), ["../../src/util/abort"]);
});

test("the panel and the assistant share code only through webview/shared", async () => {
    assert.deepEqual(await refusedImports("webview/panel/example.ts", [
        'import {renderMarkdown} from "../assistant/markdown";',
        'import type {HostMessage} from "../../src/assistant/protocol";',
        'import {h} from "../shared/dom";',
        "export const example = [renderMarkdown, h] as unknown as HostMessage;"
    ].join("\n")), ["../assistant/markdown", "../../src/assistant/protocol"]);
    assert.deepEqual(await refusedImports("webview/assistant/example.ts", [
        'import {applyHostMessage} from "../panel/panelStore";',
        'import {button} from "@vscode/webview-ui-toolkit";',
        'import {h} from "../shared/dom";',
        "export const example = [applyHostMessage, button, h];"
    ].join("\n")), ["../panel/panelStore", "@vscode/webview-ui-toolkit"]);
    assert.deepEqual(await refusedImports("webview/shared/example.ts", [
        'import {applyHostMessage} from "../panel/panelStore";',
        'import type {PanelState} from "../../src/panel/protocol";',
        "export const example = [applyHostMessage] as unknown as PanelState;"
    ].join("\n")), ["../panel/panelStore", "../../src/panel/protocol"]);
});

test("a protocol file imports nothing, vscode least of all", async () => {
    for (const file of ["src/panel/protocol.ts", "src/assistant/protocol.ts"]) {
        const refused = await refusedImports(file, [
            'import type {HardwareSnapshot} from "../hardware/hardwareSnapshot";',
            'import type * as vscode from "vscode";',
            "export type Example = [HardwareSnapshot, vscode.Uri];"
        ].join("\n"));
        assert.ok(refused.includes("../hardware/hardwareSnapshot") && refused.includes("vscode"), `${file}: ${refused.join(", ")}`);
    }
});
