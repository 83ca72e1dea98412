import {test} from "node:test";
import assert from "node:assert/strict";
import {formatBytes as hostFormatBytes} from "../../src/util/format";
import {formatBytes, interval, joules, milliseconds, percent, rate, watts} from "../../webview/shared/format";

test("the webview writes bytes exactly as the host does (its copy must not drift)", () => {
    const values = [0, 1, 1023, 1024, 1536, 10 * 1024, 99.9 * 1024, 100 * 1024, 1024 ** 2 * 3.5, 1024 ** 3 * 12.25, 1024 ** 4 * 5, 1024 ** 5 * 2,
        -2048, Number.NaN, Number.POSITIVE_INFINITY];
    for (const value of values)
        assert.equal(formatBytes(value), hostFormatBytes(value), String(value));
    assert.equal(formatBytes(1536), "1.50 KB");
});

test("figures keep their units and say when there is none", () => {
    assert.equal(percent(null), "—");
    assert.equal(percent(12.345, 1), "12.3 %");
    assert.equal(milliseconds(950.4), "950 ms");
    assert.equal(milliseconds(12_300), "12.3 s");
    assert.equal(rate(null), "—");
    assert.equal(rate(42.25), "42.3 t/s");
    assert.equal(rate(1234.5), "1235 t/s");
    assert.equal(watts(7.25), "7.3 W");
    assert.equal(joules(0.0123), "12 mJ");
    assert.equal(interval(2000), "2 s");
    assert.equal(interval(250), "250 ms");
});
