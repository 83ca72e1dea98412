// Test-only consumer of VS Code's language model API (plain JS, no build step). Its one command
// asks for QuantPilot's model the way any extension would and writes what it saw to
// lm-result.json in the first workspace folder, for test/e2e/lmApi.e2e.ts to read.
/* global require, exports */
/* eslint-disable @typescript-eslint/no-require-imports -- a plain CommonJS extension, loaded as VS Code 1.100 loads extensions */
const vscode = require("vscode");
const path = require("path");
const fs = require("fs");

const WEATHER_TOOL = {
    name: "get_weather",
    description: "The weather in a city",
    inputSchema: {type: "object", properties: {city: {type: "string"}, unit: {type: "string", enum: ["C", "F"]}}, required: ["city"]}
};

async function collect(response) {
    const out = {text: "", calls: [], otherParts: 0};
    for await (const part of response.stream) {
        if (part instanceof vscode.LanguageModelTextPart)
            out.text += part.value;
        else if (part instanceof vscode.LanguageModelToolCallPart)
            out.calls.push({callId: part.callId, name: part.name, input: part.input});
        else
            out.otherParts++;
    }
    return out;
}

/** A request the caller cancels as soon as the first text arrives: the stream must end there. */
async function askAndCancel(model, text) {
    const source = new vscode.CancellationTokenSource();
    const out = {textParts: 0, ended: false};
    try {
        const response = await model.sendRequest([vscode.LanguageModelChatMessage.User(text)], {}, source.token);
        for await (const part of response.stream) {
            if (part instanceof vscode.LanguageModelTextPart && out.textParts++ === 0)
                source.cancel();
        }
        out.ended = true;
    } catch (err) {
        out.ended = true;
        out.error = err instanceof Error ? err.message : String(err);
    } finally {
        source.dispose();
    }
    return out;
}

async function ask(model, text, options) {
    const source = new vscode.CancellationTokenSource();
    try {
        return await collect(await model.sendRequest([vscode.LanguageModelChatMessage.User(text)], options, source.token));
    } catch (err) {
        return {error: err instanceof Error ? err.message : String(err)};
    } finally {
        source.dispose();
    }
}

async function invokeTool(name, input) {
    const source = new vscode.CancellationTokenSource();
    try {
        const result = await vscode.lm.invokeTool(name, {input, toolInvocationToken: undefined}, source.token);
        return {text: result.content.map((part) => part instanceof vscode.LanguageModelTextPart ? part.value : JSON.stringify(part)).join("\n")};
    } catch (err) {
        return {error: err instanceof Error ? err.message : String(err)};
    } finally {
        source.dispose();
    }
}

async function run() {
    const result = {
        editorVersion: vscode.version,
        providerApi: typeof vscode.lm.registerLanguageModelChatProvider === "function",
        tools: vscode.lm.tools.map((t) => t.name).filter((n) => n.startsWith("quantpilot_")),
        models: []
    };
    try {
        const models = await vscode.lm.selectChatModels({vendor: "quantpilot"});
        result.models = models.map((m) => ({id: m.id, vendor: m.vendor, name: m.name, family: m.family, version: m.version, maxInputTokens: m.maxInputTokens}));
        const model = models[0];
        if (model != null) {
            result.plain = await ask(model, "Say hello in one short sentence.", {});
            result.withTool = await ask(model, "What is the weather in Oslo?", {tools: [WEATHER_TOOL]});
            result.tokenCountText = "function add(a, b) { return a + b; }";
            result.tokenCount = await model.countTokens(result.tokenCountText);
            result.cancelled = await askAndCancel(model, "Write a long story about a lighthouse.");
            result.afterCancel = await ask(model, "Say hello again.", {});
        }
        result.readFileTool = await invokeTool("quantpilot_readFile", {path: "notes.txt"});
    } catch (err) {
        result.error = err instanceof Error ? err.message : String(err);
    }
    const folder = vscode.workspace.workspaceFolders[0].uri.fsPath;
    // Written whole under another name and renamed, so the test never reads half a file.
    fs.writeFileSync(path.join(folder, "lm-result.json.tmp"), JSON.stringify(result, null, 2));
    fs.renameSync(path.join(folder, "lm-result.json.tmp"), path.join(folder, "lm-result.json"));
}

exports.activate = (context) => {
    context.subscriptions.push(vscode.commands.registerCommand("qpLmConsumer.run", run));
};
