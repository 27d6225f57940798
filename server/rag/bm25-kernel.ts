// The BM25 scoring loops in WebAssembly: adding one term's postings into the score buffer (the loop a
// long question spends most of its time in), adding a term to the candidates left, and the passes
// over candidates and score buffers. They do what Bm25Index's JavaScript loops do (the same values
// unpacked, the same floating-point expression per posting), so the scores are the same to the last
// bit; they are faster because they run without bounds checks, unpack a block's postings four at a
// time with 128-bit SIMD instructions (the runs are packed in four interleaved lanes for this:
// bm25-index.ts runWords), and keep their state in registers. The index's arrays and score buffers
// live in the kernel's memory (bm25-index.ts moves them there when the index is first searched).
import { assembleWat } from './wasm-text.js';

/**
 * Value `i` of a run of `bits`-wide values (bits ≤ 31; 0 when bits is 0) from byte address `base`,
 * packed in four lanes (value i is in lane i % 4; a lane's words are every fourth word): the word of
 * its lane holding its first bit and that lane's next word, read as one 64-bit value and shifted (no
 * branches; the next word may lie past the run, inside the kernel's memory). The function using it
 * declares i32 locals $vAt and $vPosition.
 */
const unpack = (base: string, bits: string, i: string) => `
  (i32.and (i32.sub (i32.shl (i32.const 1) ${bits}) (i32.const 1))
    (i32.wrap_i64 (i64.shr_u
      (i64.or
        (i64.extend_i32_u (i32.load (local.tee $vAt (i32.add ${base} (i32.add
          (i32.shl (i32.shr_u (local.tee $vPosition (i32.mul (i32.shr_u ${i} (i32.const 2)) ${bits})) (i32.const 5)) (i32.const 4))
          (i32.shl (i32.and ${i} (i32.const 3)) (i32.const 2)))))))
        (i64.shl (i64.extend_i32_u (i32.load (i32.add (local.get $vAt) (i32.const 16)))) (i64.const 32)))
      (i64.extend_i32_u (i32.and (local.get $vPosition) (i32.const 31))))))`;

/**
 * Unpacks a run of `bits`-wide values (bits ≤ 31) from byte address `base` into 32-bit values at
 * `out`, each plus `add`, four at a time: `steps` steps, each reading the four lanes' words that
 * hold the next value of each (16 bytes) and the four after them (for values that run into the next
 * word), shifting and masking them together. The values past the run's count in the last step are
 * left unused. The function using it declares i32 locals $step, $position, $at and v128 locals
 * $maskV, $addV.
 */
const unpackRun = (base: string, bits: string, out: string, add: string, steps: string) => `
  (local.set $maskV (i32x4.splat (i32.sub (i32.shl (i32.const 1) ${bits}) (i32.const 1))))
  (local.set $addV (i32x4.splat ${add}))
  (local.set $step (i32.const 0))
  (local.set $position (i32.const 0))
  (block $unpacked
    (loop $unpack
      (br_if $unpacked (i32.ge_u (local.get $step) ${steps}))
      (local.set $at (i32.add ${base} (i32.shl (i32.shr_u (local.get $position) (i32.const 5)) (i32.const 4))))
      (v128.store (i32.add ${out} (i32.shl (local.get $step) (i32.const 4)))
        (i32x4.add (local.get $addV)
          (v128.and (local.get $maskV)
            (v128.or
              (i32x4.shr_u (v128.load (local.get $at)) (i32.and (local.get $position) (i32.const 31)))
              ;; The next words' low bits, shifted up in two steps so that a shift by 32 gives 0.
              (i32x4.shl (i32x4.shl (v128.load (i32.add (local.get $at) (i32.const 16))) (i32.const 1))
                (i32.sub (i32.const 31) (i32.and (local.get $position) (i32.const 31))))))))
      (local.set $position (i32.add (local.get $position) ${bits}))
      (local.set $step (i32.add (local.get $step) (i32.const 1)))
      (br $unpack)))`;

/**
 * The 32 documents of group `group` in the touched map (a byte per document, 255 for one touched,
 * padded to whole groups of 32) as the bits of a 32-bit word: bit i for document 32 · group + i.
 */
const touchedWord = (touched: string, group: string) => `
  (i32.or
    (i8x16.bitmask (v128.load (i32.add ${touched} (i32.shl ${group} (i32.const 5)))))
    (i32.shl (i8x16.bitmask (v128.load (i32.add ${touched} (i32.add (i32.shl ${group} (i32.const 5)) (i32.const 16))))) (i32.const 16)))`;

/** Clears group `group` of the touched map (its 32 bytes). */
const clearTouchedWord = (touched: string, group: string) => `
  (v128.store (i32.add ${touched} (i32.shl ${group} (i32.const 5))) (i32x4.splat (i32.const 0)))
  (v128.store (i32.add ${touched} (i32.add (i32.shl ${group} (i32.const 5)) (i32.const 16))) (i32x4.splat (i32.const 0)))`;

/**
 * Lists the documents whose bits are set in $word (group $w) as 32-bit numbers at `out`, from index
 * $count on, which it advances; $word ends at 0. The function using it declares i32 locals $w, $word,
 * $count.
 */
const listBits = (out: string) => `
  (block $wordDone
    (loop $bits
      (br_if $wordDone (i32.eqz (local.get $word)))
      (i32.store (i32.add ${out} (i32.shl (local.get $count) (i32.const 2)))
        (i32.or (i32.shl (local.get $w) (i32.const 5)) (i32.ctz (local.get $word))))
      (local.set $count (i32.add (local.get $count) (i32.const 1)))
      (local.set $word (i32.and (local.get $word) (i32.sub (local.get $word) (i32.const 1))))
      (br $bits)))`;

/**
 * The 32 documents of group `group` whose score (at byte address `scores`, padded with zeros to whole
 * groups) passes `test`, as the bits of a 32-bit word, two scores at a time: `test` turns a v128 of
 * two scores into a lane mask. The function using it declares v128 locals $pair, $lanes.
 */
const scoresPassing = (scores: string, group: string, test: (pair: string) => string, store?: string) =>
  Array.from(
    { length: 16 },
    (_, j) => `
    (local.set $pair (v128.load (i32.add ${scores} (i32.add (i32.shl ${group} (i32.const 8)) (i32.const ${16 * j})))))
    (local.set $lanes ${test('(local.get $pair)')})
    ${store ? `(v128.store (i32.add ${scores} (i32.add (i32.shl ${group} (i32.const 8)) (i32.const ${16 * j}))) ${store})` : ''}
    (local.set $passing (i32.or (local.get $passing) (i32.shl (i64x2.bitmask (local.get $lanes)) (i32.const ${2 * j}))))`,
  ).join('');

/** Where a block's unpacked documents and term counts are written (an area of the kernel's memory: setScratch). */
const scratchDocs = '(global.get $scratch)';
const scratchTfs = `(i32.add (global.get $scratch) (i32.const ${4 * 128}))`;

/**
 * Reads block $block of a term's postings (blocks $start…$end, $df postings): how many postings it
 * holds ($n, in $steps steps of four), its first document, the bit widths of its document offsets
 * and term counts, and where each bit-packed run starts ($docBase, $tfBase). The function using it
 * declares those locals.
 */
const blockHeader = `
  (if (i32.lt_u (i32.add (local.get $block) (i32.const 1)) (local.get $end))
    (then (local.set $n (i32.const 128)))
    (else (local.set $n (i32.sub (local.get $df) (i32.shl (i32.sub (local.get $block) (local.get $start)) (i32.const 7))))))
  (local.set $steps (i32.shr_u (i32.add (local.get $n) (i32.const 3)) (i32.const 2)))
  (local.set $first (i32.load (i32.add (local.get $firsts) (i32.shl (local.get $block) (i32.const 2)))))
  (local.set $docBits (i32.load8_u (i32.add (local.get $docBitsAt) (local.get $block))))
  (local.set $tfBits (i32.load8_u (i32.add (local.get $tfBitsAt) (local.get $block))))
  (local.set $docBase (i32.add (local.get $packed) (i32.shl (i32.load (i32.add (local.get $words) (i32.shl (local.get $block) (i32.const 2)))) (i32.const 2))))
  (local.set $tfBase (i32.add (local.get $docBase) (i32.shl (i32.shr_u (i32.add (i32.mul (local.get $steps) (local.get $docBits)) (i32.const 31)) (i32.const 5)) (i32.const 4))))`;

/** Unpacks block $block (after blockHeader) into the scratch area: documents, then term counts. */
const unpackBlock = `
  ${unpackRun('(local.get $docBase)', '(local.get $docBits)', scratchDocs, '(local.get $first)', '(local.get $steps)')}
  ${unpackRun('(local.get $tfBase)', '(local.get $tfBits)', scratchTfs, '(i32.const 1)', '(local.get $steps)')}`;

/**
 * scores[doc] += weight · (tf · k1p1) / (tf + table[codes[doc]]), in the order the JavaScript scorer
 * uses (the function using it declares an i32 local $at).
 */
const addScore = (doc: string, tf: string) => `
  (f64.store (local.tee $at (i32.add (local.get $scores) (i32.shl ${doc} (i32.const 3))))
    (f64.add (f64.load (local.get $at))
      (f64.div
        (f64.mul (local.get $weight) (f64.mul (f64.convert_i32_s ${tf}) (local.get $k1p1)))
        (f64.add (f64.convert_i32_s ${tf})
          (f64.load (i32.add (local.get $table) (i32.shl (i32.load16_u (i32.add (local.get $codes) (i32.shl ${doc} (i32.const 1)))) (i32.const 3))))))))`;

/**
 * One step of bestPartial: offers document $doc's score to the k-entry min-heap (values, seeds; $size
 * entries so far) and lists it at high[$kept] unless it is below the heap's least, which is the k-th
 * best already (the function using it declares $size, $kept, $score and $j).
 */
const offerPartial = `
  (local.set $score (f64.load (i32.add (local.get $scores) (i32.shl (local.get $doc) (i32.const 3)))))
  (block $dropped
    (block $keep
      (if (i32.lt_u (local.get $size) (local.get $k))
        (then
          (f64.store (i32.add (local.get $values) (i32.shl (local.get $size) (i32.const 3))) (local.get $score))
          (i32.store (i32.add (local.get $seeds) (i32.shl (local.get $size) (i32.const 2))) (local.get $doc))
          (local.set $size (i32.add (local.get $size) (i32.const 1)))
          (if (i32.eq (local.get $size) (local.get $k))
            (then
              (local.set $j (i32.sub (i32.shr_u (local.get $k) (i32.const 1)) (i32.const 1)))
              (block $built
                (loop $build
                  (br_if $built (i32.lt_s (local.get $j) (i32.const 0)))
                  (call $siftDown (local.get $values) (local.get $seeds) (local.get $k) (local.get $j))
                  (local.set $j (i32.sub (local.get $j) (i32.const 1)))
                  (br $build)))))
          (br $keep)))
      ;; Below k documents already: below the k-th best, dropped from the list.
      (br_if $dropped (f64.lt (local.get $score) (f64.load (local.get $values))))
      (if (f64.gt (local.get $score) (f64.load (local.get $values)))
        (then
          (f64.store (local.get $values) (local.get $score))
          (i32.store (local.get $seeds) (local.get $doc))
          (call $siftDown (local.get $values) (local.get $seeds) (local.get $k) (i32.const 0)))))
    (i32.store (i32.add (local.get $high) (i32.shl (local.get $kept) (i32.const 2))) (local.get $doc))
    (local.set $kept (i32.add (local.get $kept) (i32.const 1))))`;

const source = `
(module
  (import "env" "memory" (memory 1))
  ;; Where a block's postings are unpacked (1,024 bytes, 16-byte aligned).
  (global $scratch (mut i32) (i32.const 0))
  (func (export "setScratch") (param $at i32) (global.set $scratch (local.get $at)))
  ;; How many documents addPostings has touched (given a score) since it was last set.
  (global $touchedCount (mut i32) (i32.const 0))
  (func (export "setTouchedCount") (param $n i32) (global.set $touchedCount (local.get $n)))
  (func (export "touchedCount") (result i32) (global.get $touchedCount))
  ;; How many documents are listed in high (read and set around each call).
  (global $highCount (mut i32) (i32.const 0))
  (func (export "setHighCount") (param $n i32) (global.set $highCount (local.get $n)))
  (func (export "highCount") (result i32) (global.get $highCount))

  ;; Unpacks count values of the run of bits-wide values at base into 32-bit values at out, each plus
  ;; add, as the scoring loops unpack a block (out needs room for count rounded up to four).
  (func (export "unpackRun") (param $base i32) (param $bits i32) (param $out i32) (param $add i32) (param $count i32)
    (local $step i32) (local $position i32) (local $at i32) (local $maskV v128) (local $addV v128)
    ${unpackRun('(local.get $base)', '(local.get $bits)', '(local.get $out)', '(local.get $add)', '(i32.shr_u (i32.add (local.get $count) (i32.const 3)) (i32.const 2))')})

  ;; Value i of the run of bits-wide values at base, as the lookups read one.
  (func (export "valueAt") (param $base i32) (param $bits i32) (param $i i32) (result i32)
    (local $vAt i32) (local $vPosition i32)
    ${unpack('(local.get $base)', '(local.get $bits)', '(local.get $i)')})

  ;; Adds the postings of blocks block..end (a term's blocks; df postings in all) into scores, as
  ;; weight · tf · k1p1 / (tf + table[codes[doc]]); skips documents whose mask byte is 0 (mask = 0:
  ;; none skipped); marks each document in the touched map (a byte each: 255), counting those it
  ;; touches for the first time (touchedCount); lists in high each document whose
  ;; score reaches floor from below. Returns the best score seen. All addresses are byte offsets.
  (func (export "addPostings")
    (param $packed i32) (param $words i32) (param $firsts i32) (param $docBitsAt i32) (param $tfBitsAt i32)
    (param $codes i32) (param $table i32) (param $scores i32) (param $touched i32) (param $high i32) (param $mask i32)
    (param $block i32) (param $end i32) (param $df i32) (param $weight f64) (param $k1p1 f64) (param $floor f64)
    (result f64)
    (local $start i32) (local $n i32) (local $steps i32) (local $first i32) (local $docBits i32) (local $tfBits i32)
    (local $docBase i32) (local $tfBase i32) (local $step i32) (local $position i32) (local $i i32) (local $doc i32)
    (local $tf i32) (local $at i32) (local $count i32) (local $fresh i32)
    (local $before f64) (local $after f64) (local $top f64)
    (local $maskV v128) (local $addV v128)
    (local.set $start (local.get $block))
    (local.set $count (global.get $highCount))
    (local.set $fresh (global.get $touchedCount))
    (block $blocksDone
      (loop $blocks
        (br_if $blocksDone (i32.ge_u (local.get $block) (local.get $end)))
        ${blockHeader}
        ${unpackBlock}
        (local.set $i (i32.const 0))
        (block $postingsDone
          (loop $postings
            (br_if $postingsDone (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $doc (i32.load (i32.add ${scratchDocs} (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $tf (i32.load (i32.add ${scratchTfs} (i32.shl (local.get $i) (i32.const 2)))))
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
              ;; A plain store rather than setting a bit (no load, nothing to wait for); a score
              ;; that was 0 is a document touched for the first time (every term adds more than 0).
              (i32.store8 (i32.add (local.get $touched) (local.get $doc)) (i32.const 255))
              (local.set $fresh (i32.add (local.get $fresh) (f64.eq (local.get $before) (f64.const 0))))
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
    (global.set $touchedCount (local.get $fresh))
    (local.get $top))

  ;; Adds one term (blocks block..end, df postings) to the scores of the documents listed at live
  ;; (count of them, ascending) that hold it, as Bm25Index.conjunction does: blocks without a listed
  ;; document are skipped, up to four listed documents in a block are found by binary search in its
  ;; packed offsets, more by walking the block's offsets alongside them.
  (func (export "addToListed")
    (param $packed i32) (param $words i32) (param $firsts i32) (param $lasts i32) (param $docBitsAt i32) (param $tfBitsAt i32)
    (param $codes i32) (param $table i32) (param $scores i32) (param $live i32) (param $count i32)
    (param $block i32) (param $end i32) (param $df i32) (param $weight f64) (param $k1p1 f64)
    (local $start i32) (local $c i32) (local $last i32) (local $first i32) (local $n i32) (local $steps i32) (local $docBits i32)
    (local $tfBits i32) (local $docBase i32) (local $tfBase i32) (local $inBlock i32) (local $doc i32)
    (local $offset i32) (local $low i32) (local $high i32) (local $middle i32) (local $tf i32)
    (local $step i32) (local $position i32) (local $p i32) (local $at i32) (local $vAt i32) (local $vPosition i32)
    (local $maskV v128) (local $addV v128)
    (local.set $start (local.get $block))
    (block $blocksDone
      (loop $blocks
        (br_if $blocksDone (i32.ge_u (local.get $block) (local.get $end)))
        (br_if $blocksDone (i32.ge_u (local.get $c) (local.get $count)))
        (block $nextBlock
          (local.set $last (i32.load (i32.add (local.get $lasts) (i32.shl (local.get $block) (i32.const 2)))))
          (br_if $nextBlock (i32.lt_s (local.get $last) (i32.load (i32.add (local.get $live) (i32.shl (local.get $c) (i32.const 2))))))
          (local.set $first (i32.load (i32.add (local.get $firsts) (i32.shl (local.get $block) (i32.const 2)))))
          (block $skipped
            (loop $skip
              (br_if $skipped (i32.ge_u (local.get $c) (local.get $count)))
              (br_if $skipped (i32.ge_s (i32.load (i32.add (local.get $live) (i32.shl (local.get $c) (i32.const 2)))) (local.get $first)))
              (local.set $c (i32.add (local.get $c) (i32.const 1)))
              (br $skip)))
          (br_if $blocksDone (i32.ge_u (local.get $c) (local.get $count)))
          (br_if $nextBlock (i32.gt_s (i32.load (i32.add (local.get $live) (i32.shl (local.get $c) (i32.const 2)))) (local.get $last)))
          (if (i32.lt_u (i32.add (local.get $block) (i32.const 1)) (local.get $end))
            (then (local.set $n (i32.const 128)))
            (else (local.set $n (i32.sub (local.get $df) (i32.shl (i32.sub (local.get $block) (local.get $start)) (i32.const 7))))))
          (local.set $steps (i32.shr_u (i32.add (local.get $n) (i32.const 3)) (i32.const 2)))
          (local.set $docBits (i32.load8_u (i32.add (local.get $docBitsAt) (local.get $block))))
          (local.set $tfBits (i32.load8_u (i32.add (local.get $tfBitsAt) (local.get $block))))
          (local.set $docBase (i32.add (local.get $packed) (i32.shl (i32.load (i32.add (local.get $words) (i32.shl (local.get $block) (i32.const 2)))) (i32.const 2))))
          (local.set $tfBase (i32.add (local.get $docBase) (i32.shl (i32.shr_u (i32.add (i32.mul (local.get $steps) (local.get $docBits)) (i32.const 31)) (i32.const 5)) (i32.const 4))))
          ;; How many listed documents fall in this block (counted up to five).
          (local.set $inBlock (i32.add (local.get $c) (i32.const 1)))
          (block $counted
            (loop $count
              (br_if $counted (i32.ge_u (local.get $inBlock) (local.get $count)))
              (br_if $counted (i32.gt_s (i32.load (i32.add (local.get $live) (i32.shl (local.get $inBlock) (i32.const 2)))) (local.get $last)))
              (br_if $counted (i32.gt_s (i32.sub (local.get $inBlock) (local.get $c)) (i32.const 4)))
              (local.set $inBlock (i32.add (local.get $inBlock) (i32.const 1)))
              (br $count)))
          (if (i32.and
                (i32.le_s (i32.sub (local.get $inBlock) (local.get $c)) (i32.const 4))
                (i32.or (i32.eq (local.get $inBlock) (local.get $count))
                        (i32.gt_s (i32.load (i32.add (local.get $live) (i32.shl (local.get $inBlock) (i32.const 2)))) (local.get $last))))
            (then
              ;; A few: a binary search for each in the packed offsets, without branches on the
              ;; comparisons (select), which would be mispredicted half the time.
              (block $fewDone
                (loop $few
                  (br_if $fewDone (i32.ge_u (local.get $c) (local.get $inBlock)))
                  (local.set $doc (i32.load (i32.add (local.get $live) (i32.shl (local.get $c) (i32.const 2)))))
                  (local.set $offset (i32.sub (local.get $doc) (local.get $first)))
                  (local.set $low (i32.const 0))
                  (local.set $high (local.get $n))
                  (block $found
                    (loop $search
                      (br_if $found (i32.le_u (local.get $high) (i32.const 1)))
                      (local.set $middle (i32.shr_u (local.get $high) (i32.const 1)))
                      (local.set $low
                        (select (i32.add (local.get $low) (local.get $middle)) (local.get $low)
                          (i32.lt_s ${unpack('(local.get $docBase)', '(local.get $docBits)', '(i32.add (local.get $low) (local.get $middle))')} (local.get $offset))))
                      (local.set $high (i32.sub (local.get $high) (local.get $middle)))
                      (br $search)))
                  ;; The first posting not before the document: low, or the one after it.
                  (local.set $low (i32.add (local.get $low)
                    (i32.lt_s ${unpack('(local.get $docBase)', '(local.get $docBits)', '(local.get $low)')} (local.get $offset))))
                  (if (i32.and (i32.lt_u (local.get $low) (local.get $n))
                        (i32.eq ${unpack('(local.get $docBase)', '(local.get $docBits)', '(local.get $low)')} (local.get $offset)))
                    (then
                      (local.set $tf (i32.add ${unpack('(local.get $tfBase)', '(local.get $tfBits)', '(local.get $low)')} (i32.const 1)))
                      ${addScore('(local.get $doc)', '(local.get $tf)')}))
                  (local.set $c (i32.add (local.get $c) (i32.const 1)))
                  (br $few)))
              (br $nextBlock)))
          ;; Many: unpack the block and walk its documents alongside them.
          ${unpackBlock}
          (local.set $p (i32.const 0))
          (block $manyDone
            (loop $many
              (br_if $manyDone (i32.ge_u (local.get $c) (local.get $count)))
              (local.set $doc (i32.load (i32.add (local.get $live) (i32.shl (local.get $c) (i32.const 2)))))
              (br_if $manyDone (i32.gt_s (local.get $doc) (local.get $last)))
              (block $reached
                (loop $advance
                  (br_if $reached (i32.ge_s (local.get $p) (local.get $n)))
                  (br_if $reached (i32.ge_s (i32.load (i32.add ${scratchDocs} (i32.shl (local.get $p) (i32.const 2)))) (local.get $doc)))
                  (local.set $p (i32.add (local.get $p) (i32.const 1)))
                  (br $advance)))
              (if (i32.and (i32.lt_s (local.get $p) (local.get $n))
                           (i32.eq (i32.load (i32.add ${scratchDocs} (i32.shl (local.get $p) (i32.const 2)))) (local.get $doc)))
                (then
                  (local.set $tf (i32.load (i32.add ${scratchTfs} (i32.shl (local.get $p) (i32.const 2)))))
                  ${addScore('(local.get $doc)', '(local.get $tf)')}))
              (local.set $c (i32.add (local.get $c) (i32.const 1)))
              (br $many))))
        (local.set $block (i32.add (local.get $block) (i32.const 1)))
        (br $blocks))))

  ;; Adds the postings of blocks block..end (df postings) to the scores of the documents marked in
  ;; marks (a byte per document), as addToListed would add them to the same documents listed: for a
  ;; term with fewer postings than there are listed documents to step through, reading every posting
  ;; is the cheaper way to find them.
  (func (export "addMarked")
    (param $packed i32) (param $words i32) (param $firsts i32) (param $docBitsAt i32) (param $tfBitsAt i32)
    (param $codes i32) (param $table i32) (param $scores i32) (param $marks i32)
    (param $block i32) (param $end i32) (param $df i32) (param $weight f64) (param $k1p1 f64)
    (local $start i32) (local $n i32) (local $steps i32) (local $first i32) (local $docBits i32) (local $tfBits i32)
    (local $docBase i32) (local $tfBase i32) (local $step i32) (local $position i32) (local $i i32) (local $doc i32)
    (local $tf i32) (local $at i32)
    (local $maskV v128) (local $addV v128)
    (local.set $start (local.get $block))
    (block $blocksDone
      (loop $blocks
        (br_if $blocksDone (i32.ge_u (local.get $block) (local.get $end)))
        ${blockHeader}
        ${unpackBlock}
        (local.set $i (i32.const 0))
        (block $postingsDone
          (loop $postings
            (br_if $postingsDone (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $doc (i32.load (i32.add ${scratchDocs} (i32.shl (local.get $i) (i32.const 2)))))
            (if (i32.load8_u (i32.add (local.get $marks) (local.get $doc)))
              (then
                (local.set $tf (i32.load (i32.add ${scratchTfs} (i32.shl (local.get $i) (i32.const 2)))))
                ${addScore('(local.get $doc)', '(local.get $tf)')}))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $postings)))
        (local.set $block (i32.add (local.get $block) (i32.const 1)))
        (br $blocks))))

  ;; Sets the byte of each of the count documents listed at live in marks to value.
  (func (export "mark") (param $marks i32) (param $live i32) (param $count i32) (param $value i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (i32.store8 (i32.add (local.get $marks) (i32.load (i32.add (local.get $live) (i32.shl (local.get $i) (i32.const 2))))) (local.get $value))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  ;; Keeps, in order, the documents listed at live (count of them) whose score plus remaining can
  ;; still pass threshold ((score + remaining) · slack > threshold), as Bm25Index.withoutHopeless;
  ;; the others' scores are cleared, and so are their bytes in marks (marks = 0: none kept). Returns
  ;; how many are kept.
  (func (export "prune") (param $scores i32) (param $live i32) (param $count i32) (param $marks i32) (param $remaining f64) (param $threshold f64) (param $slack f64) (result i32)
    (local $i i32) (local $kept i32) (local $doc i32) (local $at i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $doc (i32.load (i32.add (local.get $live) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $at (i32.add (local.get $scores) (i32.shl (local.get $doc) (i32.const 3))))
        (if (f64.gt (f64.mul (f64.add (f64.load (local.get $at)) (local.get $remaining)) (local.get $slack)) (local.get $threshold))
          (then
            (i32.store (i32.add (local.get $live) (i32.shl (local.get $kept) (i32.const 2))) (local.get $doc))
            (local.set $kept (i32.add (local.get $kept) (i32.const 1))))
          (else
            (f64.store (local.get $at) (f64.const 0))
            (if (local.get $marks) (then (i32.store8 (i32.add (local.get $marks) (local.get $doc)) (i32.const 0))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $kept))

  ;; prune, and each document kept offers its score to the k-entry min-heap at values (its documents
  ;; at order), which holds k values on entry: afterwards values[0] is the k-th best of those values
  ;; and the kept scores.
  (func (export "pruneRanked") (param $scores i32) (param $live i32) (param $count i32) (param $marks i32) (param $remaining f64) (param $threshold f64) (param $slack f64) (param $values i32) (param $order i32) (param $k i32) (result i32)
    (local $i i32) (local $kept i32) (local $doc i32) (local $at i32) (local $score f64)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $doc (i32.load (i32.add (local.get $live) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $at (i32.add (local.get $scores) (i32.shl (local.get $doc) (i32.const 3))))
        (local.set $score (f64.load (local.get $at)))
        (if (f64.gt (f64.mul (f64.add (local.get $score) (local.get $remaining)) (local.get $slack)) (local.get $threshold))
          (then
            (i32.store (i32.add (local.get $live) (i32.shl (local.get $kept) (i32.const 2))) (local.get $doc))
            (local.set $kept (i32.add (local.get $kept) (i32.const 1)))
            (if (f64.gt (local.get $score) (f64.load (local.get $values)))
              (then
                (f64.store (local.get $values) (local.get $score))
                (i32.store (local.get $order) (local.get $doc))
                (call $siftDown (local.get $values) (local.get $order) (local.get $k) (i32.const 0)))))
          (else
            (f64.store (local.get $at) (f64.const 0))
            (if (local.get $marks) (then (i32.store8 (i32.add (local.get $marks) (local.get $doc)) (i32.const 0))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $kept))

  ;; Lists the documents marked in the touched map (groups of 32) at high; returns how many.
  (func (export "listTouched") (param $touched i32) (param $words i32) (param $high i32) (result i32)
    (local $w i32) (local $word i32) (local $count i32)
    (block $done
      (loop $words
        (br_if $done (i32.ge_u (local.get $w) (local.get $words)))
        (local.set $word ${touchedWord('(local.get $touched)', '(local.get $w)')})
        ${listBits('(local.get $high)')}
        (local.set $w (i32.add (local.get $w) (i32.const 1)))
        (br $words)))
    (local.get $count))

  ;; How many of the documents marked in the touched map, in every stride-th of its groups of 32
  ;; (words of them in all), score above bar; counted until there are atLeast.
  (func (export "countAbove") (param $touched i32) (param $words i32) (param $stride i32) (param $scores i32) (param $bar f64) (param $atLeast i32) (result i32)
    (local $w i32) (local $word i32) (local $count i32) (local $doc i32)
    (block $done
      (loop $words
        (br_if $done (i32.ge_u (local.get $w) (local.get $words)))
        (br_if $done (i32.ge_u (local.get $count) (local.get $atLeast)))
        (local.set $word ${touchedWord('(local.get $touched)', '(local.get $w)')})
        (block $wordDone
          (loop $bits
            (br_if $wordDone (i32.eqz (local.get $word)))
            (local.set $doc (i32.or (i32.shl (local.get $w) (i32.const 5)) (i32.ctz (local.get $word))))
            (local.set $word (i32.and (local.get $word) (i32.sub (local.get $word) (i32.const 1))))
            (if (f64.gt (f64.load (i32.add (local.get $scores) (i32.shl (local.get $doc) (i32.const 3)))) (local.get $bar))
              (then (local.set $count (i32.add (local.get $count) (i32.const 1)))))
            (br $bits)))
        (local.set $w (i32.add (local.get $w) (local.get $stride)))
        (br $words)))
    (local.get $count))

  ;; The k-th best score of the documents listed at high (count of them, at least k), as
  ;; Bm25Index.bestPartialScores: a k-entry min-heap in values and seeds; the list keeps, in order,
  ;; the documents that were not below the heap's least when read (the new count: keptCount()).
  (global $kept (mut i32) (i32.const 0))
  (func (export "keptCount") (result i32) (global.get $kept))
  (func (export "bestPartial") (param $scores i32) (param $high i32) (param $count i32) (param $values i32) (param $seeds i32) (param $k i32) (result f64)
    (local $size i32) (local $kept i32) (local $i i32) (local $doc i32) (local $score f64) (local $j i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $doc (i32.load (i32.add (local.get $high) (i32.shl (local.get $i) (i32.const 2)))))
        ${offerPartial}
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (global.set $kept (local.get $kept))
    (f64.load (local.get $values)))

  ;; The same over every document marked in the touched map (words groups of 32), in ascending order,
  ;; as listTouched then bestPartial, without listing them all first.
  (func (export "bestPartialTouched") (param $touched i32) (param $words i32) (param $scores i32) (param $high i32) (param $values i32) (param $seeds i32) (param $k i32) (param $dense i32) (result f64)
    (local $size i32) (local $kept i32) (local $w i32) (local $word i32) (local $doc i32) (local $score f64) (local $j i32)
    (local $passing i32) (local $pair v128) (local $lanes v128) (local $least v128)
    (block $done
      (loop $nextWord
        (br_if $done (i32.ge_u (local.get $w) (local.get $words)))
        (if (i32.or (i32.lt_u (local.get $size) (local.get $k)) (i32.eqz (local.get $dense)))
          (then (local.set $word ${touchedWord('(local.get $touched)', '(local.get $w)')}))
          (else
            ;; Once the heap holds k scores, only a score not below its least can be offered (every
            ;; untouched document's is 0): where most documents are touched (dense), the group's
            ;; documents are read from their scores, two at a time, against the least as it is when
            ;; the group is read (it only rises after).
            (local.set $least (f64x2.splat (f64.load (local.get $values))))
            (local.set $passing (i32.const 0))
            ${scoresPassing('(local.get $scores)', '(local.get $w)', (pair) => `(f64x2.ge ${pair} (local.get $least))`)}
            (local.set $word (local.get $passing))))
        (block $wordDone
          (loop $next
            (br_if $wordDone (i32.eqz (local.get $word)))
            (local.set $doc (i32.or (i32.shl (local.get $w) (i32.const 5)) (i32.ctz (local.get $word))))
            (local.set $word (i32.and (local.get $word) (i32.sub (local.get $word) (i32.const 1))))
            ${offerPartial}
            (br $next)))
        (local.set $w (i32.add (local.get $w) (i32.const 1)))
        (br $nextWord)))
    (global.set $kept (local.get $kept))
    (f64.load (local.get $values)))

  ;; Restores the min-heap order of values[0..size) below entry i; seeds move with their values.
  (func $siftDown (param $values i32) (param $seeds i32) (param $size i32) (param $i i32)
    (local $value f64) (local $doc i32) (local $child i32)
    (local.set $value (f64.load (i32.add (local.get $values) (i32.shl (local.get $i) (i32.const 3)))))
    (local.set $doc (i32.load (i32.add (local.get $seeds) (i32.shl (local.get $i) (i32.const 2)))))
    (block $done
      (loop $down
        (local.set $child (i32.add (i32.shl (local.get $i) (i32.const 1)) (i32.const 1)))
        (br_if $done (i32.ge_s (local.get $child) (local.get $size)))
        (if (i32.lt_s (i32.add (local.get $child) (i32.const 1)) (local.get $size))
          (then
            (if (f64.lt (f64.load (i32.add (local.get $values) (i32.shl (i32.add (local.get $child) (i32.const 1)) (i32.const 3))))
                        (f64.load (i32.add (local.get $values) (i32.shl (local.get $child) (i32.const 3)))))
              (then (local.set $child (i32.add (local.get $child) (i32.const 1)))))))
        (br_if $done (f64.ge (f64.load (i32.add (local.get $values) (i32.shl (local.get $child) (i32.const 3)))) (local.get $value)))
        (f64.store (i32.add (local.get $values) (i32.shl (local.get $i) (i32.const 3)))
          (f64.load (i32.add (local.get $values) (i32.shl (local.get $child) (i32.const 3)))))
        (i32.store (i32.add (local.get $seeds) (i32.shl (local.get $i) (i32.const 2)))
          (i32.load (i32.add (local.get $seeds) (i32.shl (local.get $child) (i32.const 2)))))
        (local.set $i (local.get $child))
        (br $down)))
    (f64.store (i32.add (local.get $values) (i32.shl (local.get $i) (i32.const 3))) (local.get $value))
    (i32.store (i32.add (local.get $seeds) (i32.shl (local.get $i) (i32.const 2))) (local.get $doc)))

  ;; As collect, when no document without a score can pass threshold (remaining · slack is not above
  ;; it): every group's scores are read two at a time (no touched map), those that pass listed, the
  ;; others cleared.
  (func (export "collectScores") (param $touched i32) (param $words i32) (param $scores i32) (param $out i32) (param $remaining f64) (param $threshold f64) (param $slack f64) (result i32)
    (local $w i32) (local $word i32) (local $count i32) (local $passing i32)
    (local $pair v128) (local $lanes v128) (local $remainingV v128) (local $slackV v128) (local $thresholdV v128)
    (local.set $remainingV (f64x2.splat (local.get $remaining)))
    (local.set $slackV (f64x2.splat (local.get $slack)))
    (local.set $thresholdV (f64x2.splat (local.get $threshold)))
    (block $done
      (loop $words
        (br_if $done (i32.ge_u (local.get $w) (local.get $words)))
        (local.set $passing (i32.const 0))
        ${scoresPassing('(local.get $scores)', '(local.get $w)', (pair) => `(f64x2.gt (f64x2.mul (f64x2.add ${pair} (local.get $remainingV)) (local.get $slackV)) (local.get $thresholdV))`, '(v128.and (local.get $pair) (local.get $lanes))')}
        (local.set $word (local.get $passing))
        ${listBits('(local.get $out)')}
        ${clearTouchedWord('(local.get $touched)', '(local.get $w)')}
        (local.set $w (i32.add (local.get $w) (i32.const 1)))
        (br $words)))
    (global.set $touchedCount (i32.const 0))
    (local.get $count))

  ;; The touched documents whose score plus remaining can pass threshold ((score + remaining) · slack
  ;; > threshold), ascending, written at out; the others' scores are cleared, and so is the touched
  ;; map (and touchedCount).
  ;; Returns how many were written.
  (func (export "collect") (param $touched i32) (param $words i32) (param $scores i32) (param $out i32) (param $remaining f64) (param $threshold f64) (param $slack f64) (result i32)
    (local $w i32) (local $word i32) (local $count i32) (local $doc i32) (local $at i32)
    (block $done
      (loop $words
        (br_if $done (i32.ge_u (local.get $w) (local.get $words)))
        (local.set $word ${touchedWord('(local.get $touched)', '(local.get $w)')})
        (block $wordDone
          (loop $bits
            (br_if $wordDone (i32.eqz (local.get $word)))
            (local.set $doc (i32.or (i32.shl (local.get $w) (i32.const 5)) (i32.ctz (local.get $word))))
            (local.set $word (i32.and (local.get $word) (i32.sub (local.get $word) (i32.const 1))))
            (local.set $at (i32.add (local.get $scores) (i32.shl (local.get $doc) (i32.const 3))))
            (if (f64.gt (f64.mul (f64.add (f64.load (local.get $at)) (local.get $remaining)) (local.get $slack)) (local.get $threshold))
              (then
                (i32.store (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 2))) (local.get $doc))
                (local.set $count (i32.add (local.get $count) (i32.const 1))))
              (else (f64.store (local.get $at) (f64.const 0))))
            (br $bits)))
        ${clearTouchedWord('(local.get $touched)', '(local.get $w)')}
        (local.set $w (i32.add (local.get $w) (i32.const 1)))
        (br $words)))
    (global.set $touchedCount (i32.const 0))
    (local.get $count))
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
  addToListed(
    packed: number,
    words: number,
    firsts: number,
    lasts: number,
    docBits: number,
    tfBits: number,
    codes: number,
    table: number,
    scores: number,
    live: number,
    count: number,
    block: number,
    end: number,
    df: number,
    weight: number,
    k1Plus1: number,
  ): void;
  addMarked(
    packed: number,
    words: number,
    firsts: number,
    docBits: number,
    tfBits: number,
    codes: number,
    table: number,
    scores: number,
    marks: number,
    block: number,
    end: number,
    df: number,
    weight: number,
    k1Plus1: number,
  ): void;
  mark(marks: number, live: number, count: number, value: number): void;
  prune(scores: number, live: number, count: number, marks: number, remaining: number, threshold: number, slack: number): number;
  pruneRanked(scores: number, live: number, count: number, marks: number, remaining: number, threshold: number, slack: number, values: number, order: number, k: number): number;
  setScratch(at: number): void;
  unpackRun(base: number, bits: number, out: number, add: number, count: number): void;
  valueAt(base: number, bits: number, i: number): number;
  setHighCount(count: number): void;
  highCount(): number;
  listTouched(touched: number, words: number, high: number): number;
  setTouchedCount(count: number): void;
  touchedCount(): number;
  countAbove(touched: number, words: number, stride: number, scores: number, bar: number, atLeast: number): number;
  bestPartial(scores: number, high: number, count: number, values: number, seeds: number, k: number): number;
  bestPartialTouched(touched: number, words: number, scores: number, high: number, values: number, seeds: number, k: number, dense: number): number;
  keptCount(): number;
  collect(touched: number, words: number, scores: number, out: number, remaining: number, threshold: number, slack: number): number;
  collectScores(touched: number, words: number, scores: number, out: number, remaining: number, threshold: number, slack: number): number;
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
