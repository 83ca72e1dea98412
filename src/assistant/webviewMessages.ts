import {messageParser, type MessageValidators} from "../util/messageParser";
import type {WebviewMessage} from "./protocol";

/** Longest text accepted from the webview (a message, a copied code block, a call id). */
const MAX_TEXT = 100_000;

const VALIDATORS: MessageValidators<WebviewMessage> = {
    ready: () => ({type: "ready"}),
    stop: () => ({type: "stop"}),
    newChat: () => ({type: "newChat"}),
    showHistory: () => ({type: "showHistory"}),
    selectModel: () => ({type: "selectModel"}),
    send: (raw) => {
        const value = text(raw.text);
        return value != null && value.trim() !== "" ? {type: "send", text: value} : `send needs a non-empty text of at most ${MAX_TEXT} characters`;
    },
    decide: (raw) => {
        const callId = text(raw.callId);
        if (callId == null)
            return "decide needs a call id";
        return typeof raw.approve === "boolean" ? {type: "decide", callId, approve: raw.approve} : "decide needs approve: true or false";
    },
    review: (raw) => {
        const callId = text(raw.callId);
        return callId != null ? {type: "review", callId} : "review needs a call id";
    },
    copy: (raw) => {
        const value = text(raw.text);
        return value != null ? {type: "copy", text: value} : `copy needs a text of at most ${MAX_TEXT} characters`;
    }
};

function text(value: unknown): string | undefined {
    return typeof value === "string" && value.length <= MAX_TEXT ? value : undefined;
}

/** Checks a message from the Assistant view's webview before the host acts on it. */
export const parseWebviewMessage = messageParser(VALIDATORS);
