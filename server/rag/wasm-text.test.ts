// The WebAssembly text assembler: what it assembles runs as written (loops, branches to named labels,
// loads and stores of every width it supports, globals, floating point, 64-bit integers, SIMD).
import { describe, expect, it } from 'vitest';
import { assembleWat } from './wasm-text';

const source = `
(module
  (import "env" "memory" (memory 1))
  (global $calls (mut i32) (i32.const 0))
  (func (export "calls") (result i32) (global.get $calls))
  ;; Sum of the n bytes from address at; counts the call.
  (func (export "sumBytes") (param $at i32) (param $n i32) (result i32)
    (local $sum i32) (local $i i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum (i32.add (local.get $sum) (i32.load8_u (i32.add (local.get $at) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum))
  ;; Writes x / y as a double at address at and returns the larger of x and y, or -1 when y is 0.
  (func (export "divide") (param $at i32) (param $x f64) (param $y f64) (result f64)
    (if (f64.eq (local.get $y) (f64.const 0)) (then (return (f64.const -1))))
    (f64.store (local.get $at) (f64.div (local.get $x) (local.get $y)))
    (if (result f64) (f64.gt (local.get $x) (local.get $y)) (then (local.get $x)) (else (local.get $y))))
  ;; Stores a 16-bit and a 32-bit value and reads them back summed (negative constants too).
  (func (export "widths") (param $at i32) (result i32)
    (i32.store16 (local.get $at) (i32.const 65535))
    (i32.store (i32.add (local.get $at) (i32.const 4)) (i32.const -70000))
    (i32.add (i32.load16_u (local.get $at)) (i32.load (i32.add (local.get $at) (i32.const 4)))))
  ;; The 32 bits from bit shift of the 64-bit value hi:lo.
  (func (export "bits64") (param $lo i32) (param $hi i32) (param $shift i32) (result i32)
    (i32.wrap_i64 (i64.shr_u (i64.or (i64.extend_i32_u (local.get $lo)) (i64.shl (i64.extend_i32_u (local.get $hi)) (i64.const 32)))
      (i64.extend_i32_u (local.get $shift)))))
  ;; Four 32-bit lanes at from: each ((lane >> shift) | (lane << 1 << 31 - shift)) & mask, plus add,
  ;; written at to; returns whether any of two doubles at from is not zero.
  (func (export "lanes") (param $from i32) (param $to i32) (param $shift i32) (param $mask i32) (param $add i32) (result i32)
    (local $v v128)
    (local.set $v (v128.load (local.get $from)))
    (v128.store (local.get $to)
      (i32x4.add (i32x4.splat (local.get $add))
        (v128.and (i32x4.splat (local.get $mask))
          (v128.or (i32x4.shr_u (local.get $v) (local.get $shift))
            (i32x4.shl (i32x4.shl (local.get $v) (i32.const 1)) (i32.sub (i32.const 31) (local.get $shift)))))))
    (v128.any_true (f64x2.ne (v128.load (local.get $from)) (v128.load (local.get $to)))))
)`;

describe('assembleWat', () => {
  it('assembles a module that runs as written', () => {
    const bytes = assembleWat(source);
    expect(WebAssembly.validate(bytes)).toBe(true);
    const memory = new WebAssembly.Memory({ initial: 1 });
    const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as {
      calls(): number;
      sumBytes(at: number, n: number): number;
      divide(at: number, x: number, y: number): number;
      widths(at: number): number;
      bits64(lo: number, hi: number, shift: number): number;
      lanes(from: number, to: number, shift: number, mask: number, add: number): number;
    };
    new Uint8Array(memory.buffer).set([1, 2, 3, 250, 7], 100);
    expect(exports.sumBytes(100, 5)).toBe(263);
    expect(exports.sumBytes(100, 0)).toBe(0);
    expect(exports.calls()).toBe(2);
    expect(exports.divide(8, 1, 3)).toBe(3);
    expect(new Float64Array(memory.buffer, 8, 1)[0]).toBe(1 / 3);
    expect(exports.divide(8, 5, 0)).toBe(-1);
    expect(exports.widths(200)).toBe(65535 - 70000);
    expect(exports.bits64(0x80000001, 0x5, 0) >>> 0).toBe(0x80000001);
    expect(exports.bits64(0x80000001, 0x5, 31)).toBe(0b1011);
    expect(exports.bits64(0, 0xabcd, 32)).toBe(0xabcd);
    const lanes = new Uint32Array(memory.buffer, 1024, 8);
    lanes.set([0xf0, 0x12345678, 0xffffffff, 0]);
    // Rotated right by 4 (the low bits come back at the top), masked to 12 bits, plus 1.
    expect(exports.lanes(1024, 1040, 4, 0xfff, 1)).toBe(1);
    expect(Array.from(lanes.subarray(4, 8))).toEqual([0x010, 0x568, 0x1000, 1]);
    // Shifted by 0: the other word contributes nothing.
    exports.lanes(1024, 1040, 0, 0xffff, 0);
    expect(Array.from(lanes.subarray(4, 8))).toEqual([0xf0, 0x5678, 0xffff, 0]);
  });

  it('refuses what it does not know rather than assembling something else', () => {
    expect(() => assembleWat('(module (func (i32.frobnicate)))')).toThrow(/unsupported instruction/);
    expect(() => assembleWat('(module (func (br $nowhere)))')).toThrow(/unknown label/);
    expect(() => assembleWat('(module (func (local.get $x)))')).toThrow(/unknown local/);
  });
});
