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
      const { counts } = counter;
      for (let i = 0; i < texts.length; i++) {
        counter.count(texts[i]);
        const norm = k1 * (1 - b + (b * counter.length) / this.averageLength);
        let score = 0;
        for (let t = 0; t < tokens.length; t++) {
          const count = counts[UnitKind.QueryToken + t];
          if (count > 0) score += (weights[t] * count * (k1 + 1)) / (count + norm);
        }
        scores[i] = score;
      }
    } finally {
      counter.release();
    }
    return scores;
  }
}

/** What a UTF-16 code unit starts, widths folded: a Han character on its own, a Latin or digit run, a surrogate pair, or nothing. */
const enum UnitKind {
  Other = 0,
  Han = 1,
  Alphanumeric = 2,
  HighSurrogate = 3,
  /** A Han character that is query token t is marked QueryToken + t while a query is counted. */
  QueryToken = 4,
}

/** Query tokens a single-unit Han character can stand for in the table; more distinct characters than this are looked up by string. */
const maxUnitTokens = 0xff - UnitKind.QueryToken;

let unitKinds: Uint8Array | undefined;

/**
 * The kind of every code unit (Han as /\p{Script=Han}/u says), built once; while a query is counted,
 * its Han characters are marked with their token numbers (one table read per character).
 */
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
 * each query token occurs. Single-unit Han characters (nearly every token) are looked up by code unit,
 * in one table read that gives both: every other Han character and punctuation count into slots
 * below the query tokens' (no branch on which it is). (Lower-casing beyond ASCII, which `toLowerCase`
 * also does, never makes a Han character or an ASCII letter, so it is left out.)
 */
class CharacterCounter {
  private readonly others = new Map<string, number>();
  /** Query token t's count at QueryToken + t; the slots below it are scratch. */
  readonly counts: Int32Array;
  private readonly units: number[] = [];
  /** Whether some single-unit Han tokens did not fit the table (a query of over 250 distinct characters). */
  private hanInOthers = false;
  /** Number of tokens of the last text counted. */
  length = 0;

  constructor(tokens: string[]) {
    const kinds = kindsOfUnits();
    this.counts = new Int32Array(UnitKind.QueryToken + tokens.length);
    tokens.forEach((token, t) => {
      if (token.length === 1 && isHanUnit(token.charCodeAt(0)) && t < maxUnitTokens) {
        kinds[token.charCodeAt(0)] = UnitKind.QueryToken + t;
        this.units.push(token.charCodeAt(0));
      } else {
        this.others.set(token, UnitKind.QueryToken + t);
        if (token.length === 1 && isHanUnit(token.charCodeAt(0))) this.hanInOthers = true;
      }
    });
  }

  /** Counts `text` into `counts` and `length`. */
  count(text: string): void {
    const { counts, others, hanInOthers } = this;
    const kinds = unitKinds!;
    const end = text.length;
    counts.fill(0);
    let length = 0;
    for (let i = 0; i < end; ) {
      const kind = kinds[text.charCodeAt(i)];
      if (kind !== UnitKind.Alphanumeric && kind !== UnitKind.HighSurrogate) {
        // A Han character (folding leaves it as it is) counts one token; anything else none.
        length += (kind | -kind) >>> 31;
        counts[kind]++;
        if (hanInOthers && kind === UnitKind.Han) {
          const token = others.get(text[i]);
          if (token !== undefined) counts[token]++;
        }
        i++;
      } else if (kind === UnitKind.Alphanumeric) {
        let stop = i + 1;
        while (stop < end && isAlphanumeric(foldedUnit(text.charCodeAt(stop)))) stop++;
        if (stop + 1 < end && foldedUnit(text.charCodeAt(stop)) === 0x2e && isDigit(foldedUnit(text.charCodeAt(stop + 1)))) {
          stop += 2;
          while (stop < end && isDigit(foldedUnit(text.charCodeAt(stop)))) stop++;
        }
        if (stop < end && foldedUnit(text.charCodeAt(stop)) === 0x25) stop++;
        length++;
        if (others.size > 0) {
          const token = others.get(foldWidth(text.slice(i, stop)));
          if (token !== undefined) counts[token]++;
        }
        i = stop;
      } else if (i + 1 < end) {
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
    this.length = length;
  }

  /** Puts the query's characters back to plain Han characters in the shared table. */
  release(): void {
    for (const unit of this.units) unitKinds![unit] = UnitKind.Han;
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
