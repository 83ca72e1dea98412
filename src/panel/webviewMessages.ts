import {messageParser, type MessageValidators} from "../util/messageParser";
import type {WebviewMessage} from "./protocol";

/** A/B history ids are file names the host made: letters, digits, dots, dashes, underscores. */
const AB_ID = /^[\w.-]{1,200}$/;

/** Longest path accepted from the webview; real paths are far shorter. */
const MAX_PATH_LENGTH = 4096;

function isPath(path: unknown): path is string {
    return typeof path === "string" && path.length > 0 && path.length <= MAX_PATH_LENGTH && !path.includes("\0");
}

const VALIDATORS: MessageValidators<WebviewMessage> = {
    ready: () => ({type: "ready"}),
    switchModel: (raw) => {
        const path = raw.path;
        if (typeof path !== "string" || path.length === 0 || path.length > MAX_PATH_LENGTH || path.includes("\0"))
            return "switchModel needs a non-empty path";
        return {type: "switchModel", path};
    },
    quantize: () => ({type: "quantize"}),
    refreshVariants: () => ({type: "refreshVariants"}),
    openSettings: () => ({type: "openSettings"}),
    showLog: () => ({type: "showLog"}),
    abCompare: () => ({type: "abCompare"}),
    abCancel: () => ({type: "abCancel"}),
    abSelect: (raw) => typeof raw.id === "string" && AB_ID.test(raw.id) ? {type: "abSelect", id: raw.id} : "abSelect needs a history id",
    abExport: (raw) => typeof raw.id !== "string" || !AB_ID.test(raw.id) ? "abExport needs a history id"
        : raw.format === "json" || raw.format === "markdown" ? {type: "abExport", id: raw.id, format: raw.format} : "abExport format must be json or markdown",
    switchQuantization: () => ({type: "switchQuantization"}),
    openServerSettings: () => ({type: "openServerSettings"}),
    useAdapter: (raw) => isPath(raw.path) ? {type: "useAdapter", path: raw.path} : "useAdapter needs a non-empty path",
    unloadAdapter: (raw) => isPath(raw.path) ? {type: "unloadAdapter", path: raw.path} : "unloadAdapter needs a non-empty path",
    unloadAdapters: () => ({type: "unloadAdapters"}),
    loadAdapter: () => ({type: "loadAdapter"})
};

/** Checks a message from the panel's webview before the host acts on it. */
export const parseWebviewMessage = messageParser(VALIDATORS);
