// The BM25 scoring loop in WebAssembly: adding one term's postings into the score buffer, the loop a
// long question spends most of its time in. It does what Bm25Index.addPostings does in JavaScript,
// operation for operation (the same unpacking, the same floating-point expression), so the scores are
// the same to the last bit; it is faster because it runs without bounds checks and with the unpacking
// state in registers. The index's arrays and score buffers live in the kernel's memory (bm25-index.ts
// moves them there when the index is first searched).
import { assembleWat } from './wasm-text.js';

const source = `
(module
  (import "env" "memory" (memory 1))
  ;; How many documents are listed in high (read and set around each call).
  (global $highCount (mut i32) (i32.const 0))
  (func (export "setHighCount") (param $n i32) (global.set $highCount (local.get $n)))
  (func (export "highCount") (result i32) (global.get $highCount))

  ;; Adds the postings of blocks block..end (a term's blocks; df postings in all) into scores, as
  ;; weight · tf · k1p1 / (tf + table[codes[doc]]); skips documents whose mask byte is 0 (mask = 0:
  ;; none skipped); marks each document in the touched bit set; lists in high each document whose
  ;; score reaches floor from below. Returns the best score seen. All addresses are byte offsets.
  (func (export "addPostings")
    (param $packed i32) (param $words i32) (param $firsts i32) (param $docBitsAt i32) (param $tfBitsAt i32)
    (param $codes i32) (param $table i32) (param $scores i32) (param $touched i32) (param $high i32) (param $mask i32)
    (param $block i32) (param $end i32) (param $df i32) (param $weight f64) (param $k1p1 f64) (param $floor f64)
    (result f64)
    (local $start i32) (local $n i32) (local $first i32) (local $docBits i32) (local $tfBits i32)
    (local $docMask i32) (local $tfMask i32) (local $docWord i32) (local $tfWord i32) (local $docBuffer i32)
    (local $tfBuffer i32) (local $docUsed i32) (local $tfUsed i32) (local $i i32) (local $doc i32)
    (local $value i32) (local $tf i32) (local $at i32) (local $count i32)
    (local $before f64) (local $after f64) (local $top f64)
    (local.set $start (local.get $block))
    (local.set $count (global.get $highCount))
    (block $blocksDone
      (loop $blocks
        (br_if $blocksDone (i32.ge_u (local.get $block) (local.get $end)))
        ;; Postings in this block: 128, or what is left of df in the last one.
        (if (i32.lt_u (i32.add (local.get $block) (i32.const 1)) (local.get $end))
          (then (local.set $n (i32.const 128)))
          (else (local.set $n (i32.sub (local.get $df) (i32.shl (i32.sub (local.get $block) (local.get $start)) (i32.const 7))))))
        (local.set $first (i32.load (i32.add (local.get $firsts) (i32.shl (local.get $block) (i32.const 2)))))
        (local.set $docBits (i32.load8_u (i32.add (local.get $docBitsAt) (local.get $block))))
        (local.set $tfBits (i32.load8_u (i32.add (local.get $tfBitsAt) (local.get $block))))
        (local.set $docMask (i32.sub (i32.shl (i32.const 1) (local.get $docBits)) (i32.const 1)))
        (local.set $tfMask (i32.sub (i32.shl (i32.const 1) (local.get $tfBits)) (i32.const 1)))
        ;; The block's document offsets, then its term counts − 1, each bit-packed.
        (local.set $docWord (i32.add (local.get $packed) (i32.shl (i32.load (i32.add (local.get $words) (i32.shl (local.get $block) (i32.const 2)))) (i32.const 2))))
        (local.set $tfWord (i32.add (local.get $docWord) (i32.shl (i32.shr_u (i32.add (i32.mul (local.get $n) (local.get $docBits)) (i32.const 31)) (i32.const 5)) (i32.const 2))))
        (local.set $docBuffer (i32.load (local.get $docWord)))
        (local.set $tfBuffer (i32.load (local.get $tfWord)))
        (local.set $docUsed (i32.const 0))
        (local.set $tfUsed (i32.const 0))
        (local.set $i (i32.const 0))
        (block $postingsDone
          (loop $postings
            (br_if $postingsDone (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $doc (local.get $first))
            (if (local.get $docBits)
              (then
                (if (i32.eq (local.get $docUsed) (i32.const 32))
                  (then
                    (local.set $docWord (i32.add (local.get $docWord) (i32.const 4)))
                    (local.set $docBuffer (i32.load (local.get $docWord)))
                    (local.set $docUsed (i32.const 0))))
                (local.set $value (i32.shr_u (local.get $docBuffer) (local.get $docUsed)))
                (local.set $docUsed (i32.add (local.get $docUsed) (local.get $docBits)))
                (if (i32.gt_u (local.get $docUsed) (i32.const 32))
                  (then
                    (local.set $docWord (i32.add (local.get $docWord) (i32.const 4)))
                    (local.set $docBuffer (i32.load (local.get $docWord)))
                    (local.set $docUsed (i32.sub (local.get $docUsed) (i32.const 32)))
                    (local.set $value (i32.or (local.get $value) (i32.shl (local.get $docBuffer) (i32.sub (local.get $docBits) (local.get $docUsed)))))))
                (local.set $doc (i32.add (local.get $doc) (i32.and (local.get $value) (local.get $docMask))))))
            (local.set $tf (i32.const 1))
            (if (local.get $tfBits)
              (then
                (if (i32.eq (local.get $tfUsed) (i32.const 32))
                  (then
                    (local.set $tfWord (i32.add (local.get $tfWord) (i32.const 4)))
                    (local.set $tfBuffer (i32.load (local.get $tfWord)))
                    (local.set $tfUsed (i32.const 0))))
                (local.set $value (i32.shr_u (local.get $tfBuffer) (local.get $tfUsed)))
                (local.set $tfUsed (i32.add (local.get $tfUsed) (local.get $tfBits)))
                (if (i32.gt_u (local.get $tfUsed) (i32.const 32))
                  (then
                    (local.set $tfWord (i32.add (local.get $tfWord) (i32.const 4)))
                    (local.set $tfBuffer (i32.load (local.get $tfWord)))
                    (local.set $tfUsed (i32.sub (local.get $tfUsed) (i32.const 32)))
                    (local.set $value (i32.or (local.get $value) (i32.shl (local.get $tfBuffer) (i32.sub (local.get $tfBits) (local.get $tfUsed)))))))
                (local.set $tf (i32.add (local.get $tf) (i32.and (local.get $value) (local.get $tfMask))))))
            (block $skip
              (if (local.get $mask)
                (then (br_if $skip (i32.eqz (i32.load8_u (i32.add (local.get $mask) (local.get $doc)))))))
              (local.set $at (i32.add (local.get $scores) (i32.shl (local.get $doc) (i32.const 3))))
              (local.set $before (f64.load (local.get $at)))
              ;; before + weight · (tf · k1p1) / (tf + norm), in the order the JavaScript scorer uses.
              (local.set $after
                (f64.add (local.get $before)
                  (f64.div
                    (f64.mul (local.get $weight) (f64.mul (f64.convert_i32_s (local.get $tf)) (local.get $k1p1)))
                    (f64.add (f64.convert_i32_s (local.get $tf))
                      (f64.load (i32.add (local.get $table) (i32.shl (i32.load16_u (i32.add (local.get $codes) (i32.shl (local.get $doc) (i32.const 1)))) (i32.const 3))))))))
              (f64.store (local.get $at) (local.get $after))
              (local.set $at (i32.add (local.get $touched) (i32.shl (i32.shr_u (local.get $doc) (i32.const 5)) (i32.const 2))))
              (i32.store (local.get $at) (i32.or (i32.load (local.get $at)) (i32.shl (i32.const 1) (local.get $doc))))
              (if (i32.and (f64.ge (local.get $after) (local.get $floor)) (f64.lt (local.get $before) (local.get $floor)))
                (then
                  (i32.store (i32.add (local.get $high) (i32.shl (local.get $count) (i32.const 2))) (local.get $doc))
                  (local.set $count (i32.add (local.get $count) (i32.const 1)))))
              (if (f64.gt (local.get $after) (local.get $top)) (then (local.set $top (local.get $after)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $postings)))
        (local.set $block (i32.add (local.get $block) (i32.const 1)))
        (br $blocks)))
    (global.set $highCount (local.get $count))
    (local.get $top))
)`;

export interface KernelExports {
  addPostings(
    packed: number,
    words: number,
    firsts: number,
    docBits: number,
    tfBits: number,
    codes: number,
    table: number,
    scores: number,
    touched: number,
    high: number,
    mask: number,
    block: number,
    end: number,
    df: number,
    weight: number,
    k1Plus1: number,
    floor: number,
  ): number;
  setHighCount(count: number): void;
  highCount(): number;
}

/** Whether searches use the WebAssembly kernel (tests and the benchmark compare it with the JavaScript loop). */
export const scoringKernel = { enabled: true };

let compiled: WebAssembly.Module | null | undefined;

/** An instance of the kernel over `memory`, or undefined where WebAssembly cannot run it. */
export function instantiateKernel(memory: WebAssembly.Memory): KernelExports | undefined {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(assembleWat(source));
    } catch {
      compiled = null;
    }
  }
  if (!compiled) return undefined;
  return new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as KernelExports;
}
