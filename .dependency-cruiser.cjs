/**
 * The import graph's rules, checked by `npm run lint`. Type-only imports count: a cycle through
 * types still means two files that cannot be understood (or moved) one without the other.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
    forbidden: [
        {
            name: "no-cycles",
            severity: "error",
            comment: "Dependencies point one way; put a type both sides need in a leaf file both import.",
            from: {},
            to: {circular: true}
        },
        {
            name: "engine-owns-node-llama-cpp",
            severity: "error",
            comment: "Only src/engine loads node-llama-cpp at run time (other code may import its types).",
            from: {path: "^src/", pathNot: "^src/engine/"},
            to: {path: "node-llama-cpp", dependencyTypesNot: ["type-only"]}
        },
        {
            name: "webview-sees-only-protocols",
            severity: "error",
            comment: "The webviews run in a browser sandbox; they share nothing with the host but its protocol files and the pure number formatting.",
            from: {path: "^webview/"},
            to: {path: "^src/", pathNot: "^src/((panel|assistant)/protocol|util/format)\\.ts$"}
        }
    ],
    options: {
        doNotFollow: {path: "node_modules"},
        tsPreCompilationDeps: true,
        tsConfig: {fileName: "tsconfig.json"},
        enhancedResolveOptions: {extensions: [".ts", ".js", ".json"]}
    }
};
