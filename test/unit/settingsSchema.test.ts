import {test} from "node:test";
import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import {join} from "node:path";
import {checkSetting, RELOAD_KEYS, SETTINGS, type SettingKey} from "../../src/settings/settingsSchema";

interface DeclaredSetting {
    readonly type: string;
    readonly default: unknown;
    readonly minimum?: number;
    readonly maximum?: number;
    readonly enum?: readonly string[];
}

const manifest = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as {
    contributes: {configuration: {properties: Record<string, DeclaredSetting>}};
};
const declared = manifest.contributes.configuration.properties;

test("every setting package.json declares is read through the schema, with the same type, default and bounds", () => {
    const declaredKeys = Object.keys(declared).map((k) => k.replace(/^quantpilot\./, "")).sort();
    assert.deepEqual(Object.keys(SETTINGS).sort(), declaredKeys);
    for (const [key, spec] of Object.entries(SETTINGS) as Array<[SettingKey, (typeof SETTINGS)[SettingKey]]>) {
        const d = declared[`quantpilot.${key}`]!;
        assert.equal(d.type, spec.type, key);
        assert.deepEqual(d.default, spec.default, key);
        assert.equal(d.minimum, "minimum" in spec ? spec.minimum : undefined, `${key} minimum`);
        assert.equal(d.maximum, "maximum" in spec ? spec.maximum : undefined, `${key} maximum`);
        assert.deepEqual(d.enum, "enum" in spec ? spec.enum : undefined, `${key} enum`);
    }
});

test("one policy for bad values: the default is used and the problem says what was wrong and what is used", () => {
    assert.deepEqual(checkSetting("ab.window", 8), {value: 512, problem: "8 is below the minimum of 16; using 512"});
    assert.deepEqual(checkSetting("ab.window", 100000), {value: 512, problem: "100000 is above the maximum of 8192; using 512"});
    assert.deepEqual(checkSetting("contextSize", 1024.5), {value: 4096, problem: "1024.5 is not a whole number; using 4096"});
    assert.deepEqual(checkSetting("threads", "4"), {value: 0, problem: "\"4\" is not a number; using 0"});
    assert.deepEqual(checkSetting("gpu", "rocm"), {value: "auto", problem: "\"rocm\" is not one of auto, cpu, cuda, vulkan, metal; using \"auto\""});
    assert.equal(checkSetting("completions.enabled", "yes").problem, "\"yes\" is not true or false; using true");
    assert.equal(checkSetting("completions.exclude", ["**/.env", 3]).value, SETTINGS["completions.exclude"].default);
    assert.equal(checkSetting("completions.languages", {python: "no"}).value, SETTINGS["completions.languages"].default);
    assert.equal(checkSetting("assistant.temperature", Number.NaN).problem, "null is not a number; using 0.2");
});

test("valid values are used as they are; unset ones take the default silently", () => {
    assert.deepEqual(checkSetting("ab.window", 1024), {value: 1024});
    assert.deepEqual(checkSetting("assistant.temperature", 0.7), {value: 0.7});
    assert.deepEqual(checkSetting("modelPath", "  /models/a.gguf \n"), {value: "/models/a.gguf"});
    assert.deepEqual(checkSetting("completions.languages", {python: false}), {value: {python: false}});
    assert.deepEqual(checkSetting("gpu", undefined), {value: "auto"});
});

test("the settings that reload the model are the ones that change how it is loaded", () => {
    assert.deepEqual([...RELOAD_KEYS].sort(), ["contextSize", "decodeThreads", "engine.build", "gpu", "modelPath", "promptThreads", "speculative.draftModelPath", "speculative.mode", "threads"]);
});
