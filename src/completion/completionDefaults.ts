// Defaults of the completion settings, in a file without vscode so tests can check that
// package.json declares the same values.

/** Files that usually hold secrets: never read for completions or context. */
export const DEFAULT_EXCLUDE = [
    "**/.env", "**/.env.*", "**/*.pem", "**/*.key", "**/*.p12", "**/*.pfx", "**/*.keystore", "**/*.jks",
    "**/id_rsa*", "**/id_ed25519*", "**/id_ecdsa*", "**/.npmrc", "**/.netrc", "**/.pypirc", "**/.git-credentials",
    "**/credentials", "**/credentials.*", "**/secrets.*", "**/*.secret", "**/*.secrets"
];

/** Languages off by default: prose, where code completions get in the way. */
export const DEFAULT_LANGUAGES: Readonly<Record<string, boolean>> = {"*": true, plaintext: false, markdown: false, scminput: false};
