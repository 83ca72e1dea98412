const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/**
 * IEEE 754 binary16 bits of a number, rounded to nearest even. Hand-written because the
 * general-purpose float16 libraries cost ~900 ns a value here, and the 0.5B-parameter test
 * model needs half a billion of them.
 */
export function float32ToFloat16Bits(value: number): number {
    scratch[0] = value;
    const bits = scratchBits[0]!;
    const sign = (bits >>> 16) & 0x8000;
    const exponent = (bits >>> 23) & 0xff;
    let mantissa = bits & 0x7fffff;
    if (exponent === 0xff)
        return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
    const halfExponent = exponent - 127 + 15;
    if (halfExponent >= 0x1f)
        return sign | 0x7c00;
    if (halfExponent <= 0) {
        if (halfExponent < -10)
            return sign;
        mantissa |= 0x800000;
        const shift = 14 - halfExponent;
        return sign | roundShift(mantissa, shift);
    }
    return sign | roundShift((halfExponent << 23) | mantissa, 13);
}

/** `value >>> shift`, rounded to nearest even; a carry correctly bumps the exponent. */
function roundShift(value: number, shift: number): number {
    const kept = value >>> shift;
    const remainder = value & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    return remainder > half || (remainder === half && (kept & 1) === 1) ? kept + 1 : kept;
}
