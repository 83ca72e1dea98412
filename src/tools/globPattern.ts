/**
 * A glob (`**`, `*`, `?`, `{a,b}`, `[abc]`) as a regular expression over forward-slash paths
 * relative to a workspace folder. A pattern without a slash matches the file name at any depth,
 * as VS Code's search does.
 */
export function globToRegExp(glob: string): RegExp {
    const pattern = glob.includes("/") ? glob.replace(/^\.\//, "") : `**/${glob}`;
    let out = "";
    for (let i = 0; i < pattern.length; i++) {
        const ch = pattern[i]!;
        if (ch === "*" && pattern[i + 1] === "*") {
            const slash = pattern[i + 2] === "/";
            out += slash ? "(?:.*/)?" : ".*";
            i += slash ? 2 : 1;
        } else if (ch === "*")
            out += "[^/]*";
        else if (ch === "?")
            out += "[^/]";
        else if (ch === "{") {
            const end = pattern.indexOf("}", i);
            if (end < 0) {
                out += "\\{";
                continue;
            }
            out += `(?:${pattern.slice(i + 1, end).split(",").map(escape).join("|")})`;
            i = end;
        } else if (ch === "[") {
            const end = pattern.indexOf("]", i);
            out += end < 0 ? "\\[" : `[${pattern.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\")}]`;
            if (end >= 0)
                i = end;
        } else
            out += escape(ch);
    }
    return new RegExp(`^${out}$`);
}

function escape(text: string): string {
    return text.replace(/[.+^$()|\\/]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]");
}
