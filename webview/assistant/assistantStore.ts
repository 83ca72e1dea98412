import type {ChatTurnView, TurnEventView} from "../../src/assistant/protocol";

/**
 * The turns after one streamed change of the last (assistant) turn: a part that appeared or
 * changed, or text added to the text part at the end. Pure, no DOM, so it is tested like any
 * other module. undefined when the last turn is not the assistant's (nothing to apply to).
 */
export function applyTurnEvent(turns: readonly ChatTurnView[], event: TurnEventView): readonly ChatTurnView[] | undefined {
    const turn = turns.at(-1);
    if (turn?.role !== "assistant")
        return undefined;
    const parts = [...turn.parts];
    switch (event.type) {
        case "part":
            parts[event.index] = event.part;
            break;
        case "text": {
            const last = parts.at(-1);
            if (last?.type === "text")
                parts[parts.length - 1] = {...last, text: last.text + event.text};
            break;
        }
        default:
            event satisfies never;
    }
    return [...turns.slice(0, -1), {...turn, parts}];
}
