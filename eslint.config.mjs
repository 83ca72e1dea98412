import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    {ignores: ["dist/**", "out/**", ".cache/**", "node_modules/**", "scratch/**", "test-results/**"]},
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        rules: {
            "no-console": "error",
            "@typescript-eslint/consistent-type-imports": ["error", {fixStyle: "inline-type-imports"}],
            "@typescript-eslint/no-unused-vars": ["error", {argsIgnorePattern: "^_"}],
            "no-restricted-imports": ["error", {patterns: [{group: ["**/index", "**/index.ts"], message: "No barrel files."}]}]
        }
    },
    {
        // The core never imports vscode: it is tested without it and reused by the CLI. VS Code glue
        // lives in the top-level wiring files, in the VS Code-only features (models, panel, assistant)
        // and in a feature's own `vscode/` subfolder.
        files: ["src/**/*.ts"],
        ignores: ["src/extension.ts", "src/quantPilot.ts", "src/config.ts", "src/commands.ts", "src/log.ts",
            "src/**/vscode/**", "src/vscodeUtil/**", "src/models/**", "src/panel/**", "src/assistant/**"],
        rules: {"no-restricted-imports": ["error", {
            paths: [{name: "vscode", message: "The core must not import vscode (VS Code glue goes in a vscode/ subfolder)."}],
            patterns: [{group: ["**/index", "**/index.ts"], message: "No barrel files."}]
        }]}
    },
    {
        // The protocols are shared with the webviews: plain types, no vscode.
        files: ["src/panel/protocol.ts", "src/assistant/protocol.ts"],
        rules: {"no-restricted-imports": ["error", {paths: [{name: "vscode", message: "Protocol files are plain types shared with the webview."}]}]}
    },
    ...webviewBoundaries(),
    {
        files: ["test/**/*.ts", "scripts/**", "bench/**"],
        rules: {"no-console": "off"}
    },
    {
        files: ["**/*.mjs", "**/*.cjs"],
        languageOptions: {globals: {process: "readonly", console: "readonly", URL: "readonly"}}
    }
);

/**
 * The webview apps see the host only through the two protocol files; the panel and the
 * assistant share code only through webview/shared; a protocol file defines its own types and
 * imports nothing. Each block repeats the barrel rule: a later block's options replace an earlier one's.
 */
function webviewBoundaries() {
    const barrels = {group: ["**/index", "**/index.ts"], message: "No barrel files."};
    const restrict = (files, patterns) => ({files, rules: {"no-restricted-imports": ["error", {
        paths: [{name: "vscode", message: "Webview code and protocol files never import vscode."}],
        patterns: [barrels, ...patterns]
    }]}});
    // src/util/format is a leaf of pure number formatting: one formatter for host and webviews.
    const onlyProtocols = {regex: "(^|/)src/(?!(panel|assistant)/protocol$|util/format$)", message: "The webview imports from src/ only src/panel/protocol, src/assistant/protocol and src/util/format."};
    const toolkit = {group: ["@vscode/webview-ui-toolkit", "@vscode/webview-ui-toolkit/*"], message: "Use webview/shared/toolkit.ts, the one wrapper of the UI toolkit."};
    return [
        restrict(["webview/**/*.ts"], [onlyProtocols, toolkit]),
        restrict(["webview/panel/**/*.ts"], [onlyProtocols, toolkit, {regex: "(^|/)assistant(/|$)", message: "The panel app shares code with the assistant only through webview/shared."}]),
        restrict(["webview/assistant/**/*.ts"], [onlyProtocols, toolkit, {regex: "(^|/)panel(/|$)", message: "The assistant app shares code with the panel only through webview/shared."}]),
        restrict(["webview/shared/**/*.ts"], [{regex: "(^|/)(panel|assistant)/|(^|/)src/(?!util/format$)", message: "webview/shared serves both apps: it imports neither app and from src/ only src/util/format."}]),
        restrict(["src/panel/protocol.ts", "src/assistant/protocol.ts"], [{regex: ".", message: "A protocol file defines its own plain types and imports nothing; the host's mapper converts to them."}])
    ];
}
