import {existsSync} from "node:fs";
import {join} from "node:path";
import {REPO_ROOT} from "../../helpers/paths";

/** QuantPilot's id as VS Code knows it (publisher.name). */
export const EXTENSION_ID = "quantpilot.quantpilot";

/** DOM id of QuantPilot's status bar item in the workbench. */
export const STATUS_ITEM_ID = "quantpilot.quantpilot.quantpilot.status";

/**
 * The VSIX under test, built by `npm run package:test` (which `npm run test:e2e` runs first):
 * the real package, CPU binaries only, so installing it in each test stays quick.
 */
export function vsixUnderTest(): string {
    const path = process.env.QUANTPILOT_VSIX ?? join(REPO_ROOT, ".cache", "e2e", "quantpilot-test.vsix");
    if (!existsSync(path))
        throw new Error(`${path} is missing: run 'npm run package:test' first (npm run test:e2e does)`);
    return path;
}

/** Settings every QuantPilot e2e test starts from: one thread, deterministic, no waiting. */
export function quantPilotSettings(modelPath: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        "quantpilot.modelPath": modelPath,
        "quantpilot.threads": 1,
        "quantpilot.contextSize": 1024,
        "quantpilot.completions.debounceMs": 0,
        "editor.inlineSuggest.enabled": true,
        ...extra
    };
}
