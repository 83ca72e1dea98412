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
        // The core never imports vscode: it is tested without it and reused by the CLI.
        files: ["src/engine/**", "src/gguf/**", "src/quant/**", "src/hardware/**", "src/util/**", "src/llamaSource/**", "src/cli/**",
            "src/completion/**", "src/panel/protocol.ts"],
        // The completion provider's VS Code glue; everything else in src/completion is core.
        ignores: ["src/completion/inlineProvider.ts", "src/completion/completionSettings.ts", "src/completion/contextTracker.ts"],
        rules: {"no-restricted-imports": ["error", {paths: [{name: "vscode", message: "The core must not import vscode."}]}]}
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
