import {test} from "node:test";
import assert from "node:assert/strict";
import {interval, joules, milliseconds, percent, rate, watts} from "../../webview/shared/format";

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
