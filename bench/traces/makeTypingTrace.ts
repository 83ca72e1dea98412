/**
 * Writes bench/traces/typing-trace.json: a deterministic editing session on a TypeScript module
 * (typing a method and a function, an import, a mid-line argument; typos, pauses, cursor jumps,
 * accepts). Run again only to change the trace: `node --import tsx bench/traces/makeTypingTrace.ts`.
 */
import {writeFile} from "node:fs/promises";
import {join} from "node:path";
import {SeededRandom} from "../../src/gguf/seededRandom";
import {TraceDocument, type TraceEvent, type TypingTrace} from "../completionTrace";
import {ORDER_BOOK, TYPES} from "./typingTraceSource";

interface Edit {
    /** Cursor goes just after the first occurrence of this text. */
    readonly find: string;
    /**
     * Typed there; `\n` is Enter (the next line's indentation comes with it, as auto-indent does).
     * ACCEPT marks a pause then Tab (the suggestion is inserted), WORD a pause then Ctrl+Right.
     */
    readonly text: string;
}

const ACCEPT = "\u21e5";
const WORD = "\u2192";

const EDITS: readonly Edit[] = [
    {
        find: "        return total;\n    }",
        text: `\n\n    countFor(customerId: string): number {${ACCEPT}\n        return this.ordersFor(customerId).length;\n    }`
    },
    {find: "import type {Customer, Order, OrderItem, OrderStatus} from \"./types\";", text: `\nimport {formatCents} from "./money";${ACCEPT}`},
    {find: "return this.setStatus(order, \"cancelled\"", text: ", reason"},
    {
        find: "cents`;\n}",
        text: `\n\nexport function isLarge(${WORD}order: Order): boolean {\n    return totalOf(order) > LARGE_ORDER_CENTS;${ACCEPT}\n}`
    }
];

const random = new SeededRandom(2026);
const uniform = () => random.nextUint32() / 2 ** 32;
const between = (low: number, high: number) => Math.round(low + (high - low) * uniform());

function keyGap(previous: string): number {
    const thinking = uniform() < 0.03 ? between(1200, 2500) : 0;
    return thinking + between(80, 220) + (/[\s.,;:(){}]/.test(previous) ? 40 : 0);
}

function typeEdit(edit: Edit, events: TraceEvent[]): void {
    events.push({dt: between(400, 900), op: "jump", find: edit.find, offset: 0});
    let dt = between(1200, 2500);
    for (let i = 0; i < edit.text.length; i++) {
        let char = edit.text[i]!;
        if (char === "\n") {
            const indent = /^[ \t]*/.exec(edit.text.slice(i + 1))![0];
            char += indent;
            events.push({dt: between(350, 900), op: "type", text: char});
            i += indent.length;
        } else {
            if (/[a-z]/.test(char) && uniform() < 0.03) {
                events.push({dt, op: "type", text: String.fromCharCode(97 + Math.floor(uniform() * 26))});
                events.push({dt: between(200, 350), op: "backspace"});
                dt = between(90, 200);
            }
            events.push({dt, op: "type", text: char});
        }
        dt = keyGap(char);
        const marker = edit.text[i + 1];
        if (marker === ACCEPT || marker === WORD) {
            events.push({dt: between(900, 1500), op: marker === ACCEPT ? "accept" : "acceptWord"});
            dt = between(300, 600);
            i++;
        }
    }
}

async function main(): Promise<void> {
    const events: TraceEvent[] = [{dt: 0, op: "visit", file: "src/orders/types.ts", line: 20}];
    for (const edit of EDITS)
        typeEdit(edit, events);
    // With nothing accepted, the replay must produce the intended edits.
    const document = new TraceDocument(ORDER_BOOK);
    for (const event of events)
        document.apply(event, "");
    let expected = ORDER_BOOK;
    for (const edit of EDITS) {
        const at = expected.indexOf(edit.find) + edit.find.length;
        expected = expected.slice(0, at) + edit.text.replaceAll(ACCEPT, "").replaceAll(WORD, "") + expected.slice(at);
    }
    if (document.content !== expected)
        throw new Error("the trace does not replay to the intended text");
    const trace: TypingTrace = {
        description: "Editing src/orders/orderBook.ts: a method, an import, a mid-line argument and a function; typos, pauses, jumps, accepts.",
        repoName: "shop",
        file: {name: "src/orders/orderBook.ts", text: ORDER_BOOK},
        otherFiles: [{name: "src/orders/types.ts", text: TYPES}],
        events
    };
    const out = join(__dirname, "typing-trace.json");
    await writeFile(out, JSON.stringify(trace, null, 1) + "\n");
    const requests = events.filter((e) => e.op !== "jump" && e.op !== "visit").length;
    console.log(`wrote ${out}: ${events.length} events, ${requests} that ask for a suggestion, ` +
        `${Math.round(events.reduce((s, e) => s + e.dt, 0) / 1000)} s of typing`);
}

void main();
