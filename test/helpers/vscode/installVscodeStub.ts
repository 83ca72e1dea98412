// Makes `import * as vscode from "vscode"` load ./vscodeStub.ts, for unit tests of VS Code glue.
// Import this module FIRST in such a test file, before anything that imports the glue:
//
//     import "../helpers/vscode/installVscodeStub";
//
// The hook is on CommonJS resolution (`Module._resolveFilename`, which tsx itself wraps) because
// this package is CommonJS: under tsx the glue's `import` runs as `require("vscode")`, and on
// Node 20 the ESM hooks of `module.register()` never see a `require()`. Only the files that
// import this module get the stub; every test file runs in a process of its own.
import Module from "node:module";
import {join} from "node:path";

type ResolveFilename = (request: string, ...rest: unknown[]) => string;

const STUB = join(__dirname, "vscodeStub.ts");
const cjs = Module as unknown as {_resolveFilename: ResolveFilename};
const resolveFilename = cjs._resolveFilename;

cjs._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
    return resolveFilename.call(this, request === "vscode" ? STUB : request, ...rest);
};
