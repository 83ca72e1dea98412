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
    {
        files: ["test/**/*.ts", "scripts/**", "bench/**"],
        rules: {"no-console": "off"}
    },
    {
        files: ["**/*.mjs", "**/*.cjs"],
        languageOptions: {globals: {process: "readonly", console: "readonly", URL: "readonly"}}
    }
);
