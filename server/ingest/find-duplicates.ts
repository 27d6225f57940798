// Duplicates: the same text copied from several sites, found by MinHash + LSH over character shingles; different figures keep copies apart.

/** A document as duplicate detection sees it. */
export interface DuplicateCandidate {
  id: string;
  /** The cleaned text. */
  text: string;
  /** YYYY-MM-DD when known: two known, different dates make two versions, never two copies. */
  date?: string;
  /** How much metadata the document has (manifest title, issuer, number, date…): the richer copy is kept. */
  metadata?: number;
}

/** Characters per shingle: long enough to be rare in Chinese prose, short enough to survive small edits. */
const shingleChars = 5;
/** One-permutation MinHash: each shingle hash lands in one of 128 bins, whose minimum is kept. */
const bins = 128;
const binBits = 7;
/** LSH: 32 bands of 4 bins, so pairs from a Jaccard similarity of about 0.45 up become candidates. */
const rowsPerBand = 4;
/**
 * Copies share at least 80% of their shingles (Jaccard, estimated from the 128 bins to about ±0.035):
 * a repost whose cleaning left a site name is at 0.95 and more, two versions of a regulation revised in
 * a few articles can be at 0.85, which is why different dates keep versions apart.
 */
const minJaccard = 0.8;

/**
 * Groups of documents that are copies of one text (≥ 2 ids each, first = the canonical copy).
 *
 * Two texts are copies when their 5-character shingle sets overlap by Jaccard ≥ 0.8 (estimated by
 * MinHash; a different site header or footer left by cleaning is tolerated), unless they
 * state different figures or places ("每月500元" / "每月600元", another city's rule, a newer year's
 * amounts: each text has a value the other lacks), or carry different known dates (versions, not copies).
 *
 * The canonical copy is the one with the most metadata, then the longest text (the most complete
 * copy), then the first given.
 */
export function findDuplicateGroups(docs: DuplicateCandidate[]): string[][] {
  const texts = docs.map((doc) => normalise(doc.text));
  const signatures = texts.map((text) => minHashSignature(shingleHashes(text)));
  const parent = docs.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));

  const checked = new Set<number>();
  const figureSets = new Map<number, Map<string, number>>();
  const figures = (i: number) => {
    let values = figureSets.get(i);
    if (!values) figureSets.set(i, (values = valueCounts(texts[i])));
    return values;
  };
  const areCopies = (i: number, j: number): boolean => {
    const [a, b] = [docs[i], docs[j]];
    if (a.date && b.date && a.date !== b.date) return false;
    return estimatedJaccard(signatures[i], signatures[j]) >= minJaccard && !statesOtherFigures(figures(i), figures(j));
  };
  for (let band = 0; band < bins / rowsPerBand; band++) {
    const buckets = new Map<string, number[]>();
    signatures.forEach((signature, i) => {
      if (signature.length === 0) return;
      const key = Array.from(signature.subarray(band * rowsPerBand, (band + 1) * rowsPerBand)).join(',');
      const bucket = buckets.get(key);
      if (bucket) bucket.push(i);
      else buckets.set(key, [i]);
    });
    for (const bucket of buckets.values()) {
      for (let a = 0; a < bucket.length; a++) {
        for (let b = a + 1; b < bucket.length; b++) {
          const [i, j] = [bucket[a], bucket[b]];
          const pair = i * docs.length + j;
          if (checked.has(pair) || find(i) === find(j)) continue;
          checked.add(pair);
          if (areCopies(i, j)) parent[find(j)] = find(i);
        }
      }
    }
  }

  const order = new Map(docs.map((doc, i) => [doc.id, i]));
  const groups = new Map<number, number[]>();
  docs.forEach((_, i) => {
    const root = find(i);
    const group = groups.get(root);
    if (group) group.push(i);
    else groups.set(root, [i]);
  });
  return [...groups.values()]
    .filter((group) => group.length > 1)
    .map((group) =>
      group
        .sort((a, b) => (docs[b].metadata ?? 0) - (docs[a].metadata ?? 0) || docs[b].text.length - docs[a].text.length || a - b)
        .map((i) => docs[i].id),
    )
    .sort((a, b) => order.get(a[0])! - order.get(b[0])!);
}

/** Full-width forms folded ("５００" = "500", "，" = ","), whitespace gone: copies differ in both. */
function normalise(text: string): string {
  return text.replace(/\s+/g, '').replace(/[\uFF01-\uFF5E]/g, (char) => String.fromCharCode(char.charCodeAt(0) - 0xfee0));
}

/** The hashes of every 5-character shingle (with repeats), by a rolling polynomial hash. */
function shingleHashes(text: string): Uint32Array {
  if (text.length === 0) return new Uint32Array(0);
  if (text.length < shingleChars) return Uint32Array.of(mix(hashString(text)));
  const hashes = new Uint32Array(text.length - shingleChars + 1);
  const base = 0x01000193;
  let power = 1;
  for (let i = 0; i < shingleChars - 1; i++) power = Math.imul(power, base);
  let hash = 0;
  for (let i = 0; i < text.length; i++) {
    if (i >= shingleChars) hash = (hash - Math.imul(text.charCodeAt(i - shingleChars), power)) | 0;
    hash = (Math.imul(hash, base) + text.charCodeAt(i)) | 0;
    if (i >= shingleChars - 1) hashes[i - shingleChars + 1] = mix(hash);
  }
  return hashes;
}

const valueMask = 0xffffffff >>> binBits;

/**
 * One-permutation MinHash with rotation densification (Shrivastava & Li, 2014): one hash per shingle
 * instead of 128, so 712 regulations are signed in tens of milliseconds.
 */
function minHashSignature(hashes: Uint32Array): Uint32Array {
  if (hashes.length === 0) return new Uint32Array(0);
  const empty = 0xffffffff;
  const signature = new Uint32Array(bins).fill(empty);
  for (let i = 0; i < hashes.length; i++) {
    const bin = hashes[i] >>> (32 - binBits);
    const value = hashes[i] & valueMask;
    if (value < signature[bin]) signature[bin] = value;
  }
  // An empty bin borrows the next filled bin's value, marked with the distance so borrowed values differ.
  const filled = Array.from(signature, (value) => value !== empty);
  for (let bin = 0; bin < bins; bin++) {
    if (filled[bin]) continue;
    for (let step = 1; step < bins; step++) {
      const from = (bin + step) % bins;
      if (filled[from]) {
        signature[bin] = (signature[from] + step * (valueMask + 1)) >>> 0;
        break;
      }
    }
  }
  return signature;
}

/** The share of bins two signatures agree on: an unbiased estimate of their shingle sets' Jaccard similarity. */
function estimatedJaccard(a: Uint32Array, b: Uint32Array): number {
  let equal = 0;
  for (let bin = 0; bin < bins; bin++) if (a[bin] === b[bin]) equal++;
  return equal / bins;
}

/** A figure (Arabic numerals, or Chinese numerals before a unit) or a place name. */
const figureOrPlace = /\d+(?:\.\d+)?|[〇零一二两三四五六七八九十百千万亿]+(?=[元日天个月年人次倍%万亿条款项岁公米吨小])|(?<place>\p{Script=Han}{2}(?:省|市|县|区|州|旗))/gu;

/**
 * Whether two near-identical texts state different figures or places: each states some value more
 * often than the other ("500元" in one where the other has "600元", another city's name). A copy that
 * only lacks some values (a paragraph short) or only adds some (a leftover date in a footer) does not
 * count.
 */
function statesOtherFigures(a: Map<string, number>, b: Map<string, number>): boolean {
  const moreIn = (first: Map<string, number>, second: Map<string, number>) => [...first].some(([value, count]) => count > (second.get(value) ?? 0));
  return moreIn(a, b) && moreIn(b, a);
}

/** How often a text states each figure and place. */
function valueCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const match of text.matchAll(figureOrPlace)) {
    // A place counts inside a sentence ("适用于江州市…"), not where a leftover site name starts a line or follows a full stop.
    if (match.groups?.place && !/\p{Script=Han}/u.test(text[match.index! - 1] ?? '')) continue;
    counts.set(match[0], (counts.get(match[0]) ?? 0) + 1);
  }
  return counts;
}

function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash;
}

/** murmur3's finaliser: spreads a rolling hash's bits so bins and minima are uniform. */
function mix(hash: number): number {
  let h = hash >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
