// BM25 over single characters, scored from a chunk's own text: the index keeps only how many chunks
// hold each character and their average length (a few kilobytes), not postings. Search re-scores the
// word ranking's candidates with it (policy-index.ts › characterRanking), a few hundred chunks at most,
// which counting characters in their text does faster than looking them up in postings would.
import { bm25Defaults, idfOf } from './bm25-index.js';
import { characters, foldWidth } from './tokenize.js';

/** What the index stores: each character's chunk count, the number of chunks and their characters. */
export interface CharacterStatisticsData {
  characters: string[];
  documentFrequencies: number[];
  chunks: number;
  totalLength: number;
}

export class CharacterStatistics {
  private readonly frequencies: Map<string, number>;
  private readonly averageLength: number;

  constructor(readonly data: CharacterStatisticsData) {
    this.frequencies = new Map(data.characters.map((character, i) => [character, data.documentFrequencies[i]]));
    this.averageLength = data.chunks > 0 ? data.totalLength / data.chunks || 1 : 1;
  }

  /** Number of chunks holding the character. */
  documentFrequency(character: string): number {
    return this.frequencies.get(character) ?? 0;
  }

  /**
   * The BM25 score (the product's k1 and b) of each text for the query's distinct characters; a
   * character no chunk holds adds nothing.
   */
  scoreTexts(query: string, texts: string[]): Float64Array {
    const { k1, b } = bm25Defaults;
    const tokens: string[] = [];
    const weights: number[] = [];
    for (const character of new Set(characters(query))) {
      const frequency = this.documentFrequency(character);
      if (frequency === 0) continue;
      tokens.push(character);
      weights.push(idfOf(this.data.chunks, frequency));
    }
    const scores = new Float64Array(texts.length);
    if (tokens.length === 0) return scores;
    const counter = new CharacterCounter(tokens);
    try {
      texts.forEach((text, i) => {
        const { length, counts } = counter.count(text);
        const norm = k1 * (1 - b + (b * length) / this.averageLength);
        let score = 0;
        for (let t = 0; t < tokens.length; t++) if (counts[t] > 0) score += (weights[t] * counts[t] * (k1 + 1)) / (counts[t] + norm);
        scores[i] = score;
      });
    } finally {
      counter.release();
    }
    return scores;
  }
}

/** Per UTF-16 code unit, 1 + the query token it is (a single-unit Han character), else 0; cleared after each use. */
const unitTokens = new Int32Array(0x10000);

/** What a UTF-16 code unit starts, widths folded: a Han character on its own, a Latin or digit run, a surrogate pair, or nothing. */
const enum UnitKind {
  Other = 0,
  Han = 1,
  Alphanumeric = 2,
  HighSurrogate = 3,
}

let unitKinds: Uint8Array | undefined;

/** The kind of every code unit (Han as /\p{Script=Han}/u says), built once. */
function kindsOfUnits(): Uint8Array {
  if (!unitKinds) {
    unitKinds = new Uint8Array(0x10000);
    for (let unit = 0; unit < 0x10000; unit++) {
      if (unit >= 0xd800 && unit <= 0xdbff) unitKinds[unit] = UnitKind.HighSurrogate;
      else if (unit >= 0xdc00 && unit <= 0xdfff) unitKinds[unit] = UnitKind.Other;
      else if (isAlphanumeric(foldedUnit(unit))) unitKinds[unit] = UnitKind.Alphanumeric;
      else if (/\p{Script=Han}/u.test(String.fromCharCode(unit))) unitKinds[unit] = UnitKind.Han;
    }
  }
  return unitKinds;
}

/** Whether a UTF-16 code unit is a Han character on its own. */
function isHanUnit(code: number): boolean {
  return kindsOfUnits()[code] === UnitKind.Han;
}

/** A code unit as `foldWidth` leaves it: full-width ASCII folded, ideographic space a space, lower case. */
function foldedUnit(code: number): number {
  if (code >= 0xff01 && code <= 0xff5e) code -= 0xfee0;
  else if (code === 0x3000) return 0x20;
  return code >= 0x41 && code <= 0x5a ? code + 32 : code;
}

const isAlphanumeric = (code: number) => (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39);
const isDigit = (code: number) => code >= 0x30 && code <= 0x39;

/**
 * Counts the tokens `characters(text)` gives without building them: how many there are, and how often
 * each query token occurs. Single-unit Han characters (nearly every token) are looked up by code unit.
 * (Lower-casing beyond ASCII, which `toLowerCase` also does, never makes a Han character or an ASCII
 * letter, so it is left out.)
 */
class CharacterCounter {
  private readonly others = new Map<string, number>();
  private readonly counts: Float64Array;
  private readonly units: number[] = [];

  constructor(tokens: string[]) {
    this.counts = new Float64Array(tokens.length);
    tokens.forEach((token, t) => {
      if (token.length === 1 && isHanUnit(token.charCodeAt(0))) {
        unitTokens[token.charCodeAt(0)] = t + 1;
        this.units.push(token.charCodeAt(0));
      } else {
        this.others.set(token, t);
      }
    });
  }

  count(text: string): { length: number; counts: Float64Array } {
    const { counts, others } = this;
    const kinds = kindsOfUnits();
    counts.fill(0);
    let length = 0;
    for (let i = 0; i < text.length; ) {
      const unit = text.charCodeAt(i);
      const kind = kinds[unit];
      if (kind === UnitKind.Han) {
        // Folding leaves Han characters as they are.
        length++;
        const token = unitTokens[unit];
        if (token > 0) counts[token - 1]++;
        i++;
      } else if (kind === UnitKind.Other) {
        i++;
      } else if (kind === UnitKind.Alphanumeric) {
        let end = i + 1;
        while (end < text.length && isAlphanumeric(foldedUnit(text.charCodeAt(end)))) end++;
        if (end + 1 < text.length && foldedUnit(text.charCodeAt(end)) === 0x2e && isDigit(foldedUnit(text.charCodeAt(end + 1)))) {
          end += 2;
          while (end < text.length && isDigit(foldedUnit(text.charCodeAt(end)))) end++;
        }
        if (end < text.length && foldedUnit(text.charCodeAt(end)) === 0x25) end++;
        length++;
        if (others.size > 0) {
          const token = others.get(foldWidth(text.slice(i, end)));
          if (token !== undefined) counts[token]++;
        }
        i = end;
      } else if (i + 1 < text.length) {
        const pair = text.slice(i, i + 2);
        if (/^\p{Script=Han}$/u.test(pair)) {
          length++;
          const token = others.get(pair);
          if (token !== undefined) counts[token]++;
        }
        i += 2;
      } else {
        i++;
      }
    }
    return { length, counts };
  }

  /** Clears the shared code-unit table for the next query. */
  release(): void {
    for (const unit of this.units) unitTokens[unit] = 0;
  }
}

/** Counts characters chunk by chunk. */
export class CharacterStatisticsBuilder {
  private readonly frequencies = new Map<string, number>();
  private chunks = 0;
  private totalLength = 0;

  /** Adds one chunk's text. */
  add(text: string): void {
    const chunkCharacters = characters(text);
    this.chunks++;
    this.totalLength += chunkCharacters.length;
    for (const character of new Set(chunkCharacters)) this.frequencies.set(character, (this.frequencies.get(character) ?? 0) + 1);
  }

  finish(): CharacterStatistics {
    const ordered = [...this.frequencies].sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    return new CharacterStatistics({
      characters: ordered.map(([character]) => character),
      documentFrequencies: ordered.map(([, frequency]) => frequency),
      chunks: this.chunks,
      totalLength: this.totalLength,
    });
  }
}
