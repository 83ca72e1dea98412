import type {CorpusDocument} from "../corpusDocument";

export const javascriptTextUtils: CorpusDocument = {
    name: "textUtils.js",
    kind: "code",
    language: "javascript",
    text: String.raw`// Helpers for showing text to people: durations, sizes, plurals, wrapping and slugs.

const UNITS = [
    ["day", 86400000],
    ["hour", 3600000],
    ["minute", 60000],
    ["second", 1000]
];

export function plural(count, word, pluralWord = word + "s") {
    return count + " " + (count === 1 ? word : pluralWord);
}

export function formatDuration(ms, parts = 2) {
    if (!Number.isFinite(ms) || ms < 0)
        throw new RangeError("a duration must be a finite, non-negative number");
    if (ms < 1000)
        return Math.round(ms) + " ms";
    const out = [];
    let rest = ms;
    for (const [name, size] of UNITS) {
        const amount = Math.floor(rest / size);
        if (amount > 0) {
            out.push(plural(amount, name));
            rest -= amount * size;
        }
        if (out.length === parts)
            break;
    }
    return out.join(", ");
}

export function formatSize(bytes) {
    const steps = ["B", "KB", "MB", "GB", "TB"];
    let value = bytes;
    let step = 0;
    while (value >= 1024 && step < steps.length - 1) {
        value /= 1024;
        step++;
    }
    const digits = step === 0 || value >= 100 ? 0 : 1;
    return value.toFixed(digits) + " " + steps[step];
}

export function wrap(text, width = 72) {
    const lines = [];
    for (const paragraph of text.split(/\n{2,}/)) {
        let line = "";
        for (const word of paragraph.split(/\s+/).filter(Boolean)) {
            if (line.length > 0 && line.length + 1 + word.length > width) {
                lines.push(line);
                line = word;
            } else {
                line = line.length > 0 ? line + " " + word : word;
            }
        }
        if (line.length > 0)
            lines.push(line);
        lines.push("");
    }
    return lines.join("\n").trimEnd();
}

export function slugify(title, maxLength = 60) {
    const slug = title
        .normalize("NFKD")
        .replace(/[\u0300-\u036f]/g, "")
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+|-+$/g, "");
    return slug.length > maxLength ? slug.slice(0, maxLength).replace(/-[^-]*$/, "") : slug;
}

export function truncateMiddle(text, max = 40) {
    if (text.length <= max)
        return text;
    const keep = max - 1;
    const head = Math.ceil(keep / 2);
    const tail = Math.floor(keep / 2);
    return text.slice(0, head) + "\u2026" + text.slice(text.length - tail);
}

export function debounce(fn, waitMs) {
    let timer;
    const debounced = (...args) => {
        clearTimeout(timer);
        timer = setTimeout(() => fn(...args), waitMs);
    };
    debounced.cancel = () => clearTimeout(timer);
    return debounced;
}

export function relativeTime(date, now = new Date()) {
    const seconds = Math.round((now.getTime() - date.getTime()) / 1000);
    if (Math.abs(seconds) < 45)
        return "just now";
    const minutes = Math.round(seconds / 60);
    if (Math.abs(minutes) < 45)
        return minutes > 0 ? plural(minutes, "minute") + " ago" : "in " + plural(-minutes, "minute");
    const hours = Math.round(minutes / 60);
    if (Math.abs(hours) < 22)
        return hours > 0 ? plural(hours, "hour") + " ago" : "in " + plural(-hours, "hour");
    const days = Math.round(hours / 24);
    return days > 0 ? plural(days, "day") + " ago" : "in " + plural(-days, "day");
}

export function table(rows, columns) {
    const widths = columns.map((column) =>
        Math.max(column.title.length, ...rows.map((row) => String(row[column.key] ?? "").length)));
    const cell = (value, i) => columns[i].align === "right"
        ? String(value).padStart(widths[i])
        : String(value).padEnd(widths[i]);
    const header = columns.map((column, i) => cell(column.title, i)).join("  ");
    const rule = widths.map((w) => "-".repeat(w)).join("  ");
    const body = rows.map((row) => columns.map((column, i) => cell(row[column.key] ?? "", i)).join("  "));
    return [header, rule, ...body].join("\n");
}
`
};
