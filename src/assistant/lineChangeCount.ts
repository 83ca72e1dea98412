/**
 * Lines added and removed between two texts, counted on the part that differs after the
 * common first and last lines: what the "+3 −1" badge on a proposed change shows. Exact for
 * one contiguous edit (what editFile makes); an upper bound otherwise.
 */
export function lineChangeCount(before: string | null, after: string): {added: number; removed: number} {
    const a = before == null || before === "" ? [] : before.split(/\r?\n/);
    const b = after === "" ? [] : after.split(/\r?\n/);
    let start = 0;
    while (start < a.length && start < b.length && a[start] === b[start])
        start++;
    let endA = a.length;
    let endB = b.length;
    while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
        endA--;
        endB--;
    }
    return {added: endB - start, removed: endA - start};
}
