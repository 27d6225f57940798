// The WebAssembly text assembler: what it assembles runs as written (loops, branches to named labels,
// loads and stores of every width it supports, globals, floating point).
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
    };
    new Uint8Array(memory.buffer).set([1, 2, 3, 250, 7], 100);
    expect(exports.sumBytes(100, 5)).toBe(263);
    expect(exports.sumBytes(100, 0)).toBe(0);
    expect(exports.calls()).toBe(2);
    expect(exports.divide(8, 1, 3)).toBe(3);
    expect(new Float64Array(memory.buffer, 8, 1)[0]).toBe(1 / 3);
    expect(exports.divide(8, 5, 0)).toBe(-1);
    expect(exports.widths(200)).toBe(65535 - 70000);
  });

  it('refuses what it does not know rather than assembling something else', () => {
    expect(() => assembleWat('(module (func (i32.frobnicate)))')).toThrow(/unsupported instruction/);
    expect(() => assembleWat('(module (func (br $nowhere)))')).toThrow(/unknown label/);
    expect(() => assembleWat('(module (func (local.get $x)))')).toThrow(/unknown local/);
  });
});
