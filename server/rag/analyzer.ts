// The analysis chain for Chinese text, as in a search engine: jieba segmentation (its dictionary
// plus the site's user dictionary and the words discovered in the corpus) → width folding → stop
// words out, and on the query side synonym expansion.
import { createHash } from 'node:crypto';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { foldWidth } from './tokenize.js';
import { loadVocabulary, type VocabularyData } from './vocabulary.js';

const nounTags = new Set(['n', 'nr', 'ns', 'nt', 'nz', 'nw', 'l', 'vn', 't', 'an', 'j']);
const numberPattern = /\d+(?:[.,]\d+)*%?/g;
const hasWordChar = /[\p{Script=Han}a-z0-9]/u;

/**
 * Characters web copies mask ("省*府", "财*事权"): search reads the masked word as the word it
 * stands for; the text itself is never changed.
 */
const maskedWords: [RegExp, string][] = [
  [/\*府/g, '政府'],
  [/财\*/g, '财政'],
  [/\*策/g, '政策'],
  [/\*治/g, '政治'],
  [/\*委/g, '党委'],
  [/\*中央/g, '党中央'],
];

/** Segmenters are expensive to build (~0.4 s): one per distinct dictionary. */
const segmenters = new Map<string, Jieba>();

function segmenterFor(lines: string[]): Jieba {
  const key = createHash('sha1').update(lines.join('\n')).digest('hex');
  let jieba = segmenters.get(key);
  if (!jieba) {
    jieba = Jieba.withDict(dict);
    if (lines.length > 0) jieba.loadDict(Buffer.from(lines.join('\n')));
    if (segmenters.size >= 8) segmenters.delete(segmenters.keys().next().value!);
    segmenters.set(key, jieba);
  }
  return jieba;
}

/** A user-dictionary line ("word [frequency] [tag]") in the form jieba loads: frequency and tag filled in. */
function dictionaryLine(line: string): string {
  const [word, ...rest] = line.split(/\s+/);
  const frequency = rest[0] !== undefined && /^\d+$/.test(rest[0]) ? rest.shift()! : '2000';
  return `${word} ${frequency} ${rest[0] ?? 'n'}`;
}

export interface AnalyzerOptions {
  vocabulary?: VocabularyData;
  /** Terms the corpus uses as one word (found at ingest), kept whole by the segmenter. */
  corpusWords?: readonly string[];
}

export class Analyzer {
  readonly vocabulary: VocabularyData;
  readonly corpusWords: readonly string[];
  private readonly jieba: Jieba;
  private readonly synonymTokens = new Map<string, string[]>();
  private readonly dictionaryWords = new Map<string, boolean>();

  constructor({ vocabulary = defaultVocabulary(), corpusWords = [] }: AnalyzerOptions = {}) {
    this.vocabulary = vocabulary;
    this.corpusWords = corpusWords;
    // Synonym triggers are dictionary words too, so a rule like "交强险 => …" can always fire.
    const triggers = [...vocabulary.synonyms.keys()].filter((word) => word.length >= 2).map((word) => `${word} 50 n`);
    // A discovered word of two single characters is mostly a name (川渝, a town's name before its 市).
    const discovered = corpusWords.map((word) => `${word} 30 ${word.length === 2 ? 'nz' : 'n'}`);
    this.jieba = segmenterFor([...vocabulary.userDictionary.map(dictionaryLine), ...triggers, ...discovered]);
  }

  /**
   * Tokens for BM25: jieba search-mode cut (which also yields the shorter words inside long ones),
   * widths folded, numbers ("101.19", "65%", "2025") kept whole, stop words and punctuation removed.
   */
  tokenize(text: string): string[] {
    let folded = foldWidth(text);
    for (const [pattern, replacement] of maskedWords) folded = folded.replace(pattern, replacement);
    const tokens: string[] = [];
    for (const number of folded.match(numberPattern) ?? []) {
      tokens.push(number);
      if (number.endsWith('%')) tokens.push(number.slice(0, -1));
    }
    const words = folded.replace(numberPattern, ' ');
    for (const word of this.jieba.cutForSearch(words, true)) {
      const token = word.trim();
      if (!token || !hasWordChar.test(token) || this.vocabulary.stopWords.has(token)) continue;
      tokens.push(token);
    }
    return tokens;
  }

  /** The question's tokens plus the synonyms of the terms in it, each once. */
  queryTokens(text: string): string[] {
    const tokens = this.tokenize(text);
    return [...new Set([...tokens, ...tokens.flatMap((token) => this.synonymsOf(token))])];
  }

  /** The tokens of the terms a question using `token` also searches (empty without a rule). */
  synonymsOf(token: string): string[] {
    let tokens = this.synonymTokens.get(token);
    if (!tokens) {
      const targets = this.vocabulary.synonyms.get(token) ?? [];
      tokens = [...new Set(targets.flatMap((target) => (target.length === 1 ? [foldWidth(target)] : this.tokenize(target))))].filter((synonym) => synonym !== token);
      this.synonymTokens.set(token, tokens);
    }
    return tokens;
  }

  /** The synonym rules' target terms (whole, not tokenized) for a token. */
  synonymTerms(token: string): readonly string[] {
    return this.vocabulary.synonyms.get(token) ?? [];
  }

  /** jieba's precise-mode cut (no search-mode sub-words), widths folded; punctuation kept. */
  words(text: string): string[] {
    return this.jieba.cut(foldWidth(text), true);
  }

  /** Part-of-speech tags of a text's words. */
  tag(text: string): { word: string; tag: string }[] {
    return this.jieba.tag(foldWidth(text), true);
  }

  isStopWord(word: string): boolean {
    return this.vocabulary.stopWords.has(word);
  }

  /** Whether a word the segmenter tags as a place name is one (listed in the place-name file, when there is one). */
  isKnownPlace(word: string): boolean {
    return this.vocabulary.places?.has(word) ?? true;
  }

  /** Whether the corpus uses `word` as one term (found at ingest by new-word discovery). */
  isCorpusWord(word: string): boolean {
    this.corpusWordSet ??= new Set(this.corpusWords);
    return this.corpusWordSet.has(word);
  }
  private corpusWordSet?: Set<string>;

  /** jieba's tags for `word` cut on its own with the dictionary only (no HMM guesses). */
  tagAlone(word: string): { word: string; tag: string }[] {
    return this.jieba.tag(word, false);
  }

  /** Whether jieba tags `word` as a noun-like word (a topic: 火星, 房价), not a verb or measure. */
  isNounLike(word: string): boolean {
    const tagged = this.tagAlone(word);
    return tagged.length === 1 && nounTags.has(tagged[0].tag);
  }

  /** Whether the segmenter knows `word` as one dictionary word (false for words its HMM guessed). */
  isDictionaryWord(word: string): boolean {
    let known = this.dictionaryWords.get(word);
    if (known === undefined) {
      known = word.length >= 2 && this.jieba.cut(word, false).length === 1;
      if (this.dictionaryWords.size > 20_000) this.dictionaryWords.clear();
      this.dictionaryWords.set(word, known);
    }
    return known;
  }

  /**
   * The dictionary pieces of a word jieba's HMM guessed by gluing a function word to a topic ("煤要"
   * from "的煤要不要" → 煤), stop words out: the topic such a fragment hides.
   */
  fragmentPieces(word: string): string[] {
    if (word.length < 2 || /\d/.test(word) || this.isDictionaryWord(word)) return [];
    return this.jieba
      .cut(word, false)
      .filter((piece) => piece !== word && hasWordChar.test(piece) && !this.vocabulary.stopWords.has(piece));
  }
}

/** Word frequencies of the segmenter's general dictionary: how common a word is in Chinese at large. */
let generalFrequencies: { words: Map<string, number>; total: number } | undefined;

function generalDictionary(): { words: Map<string, number>; total: number } {
  if (!generalFrequencies) {
    const words = new Map<string, number>();
    let total = 0;
    for (const line of Buffer.from(dict).toString('utf8').split('\n')) {
      const space = line.indexOf(' ');
      if (space <= 0) continue;
      const frequency = Number.parseInt(line.slice(space + 1), 10) || 0;
      words.set(line.slice(0, space), frequency);
      total += frequency;
    }
    generalFrequencies = { words, total };
  }
  return generalFrequencies;
}

/**
 * A word's rarity in Chinese at large, from the segmenter's dictionary frequencies, scaled to 0–1:
 * 0 for everyday words (用来, 时间, 发展), 1 for rare ones (国境线) and words the dictionary lacks.
 * A question's word the corpus never uses weighs by this, not as much as the rarest corpus word.
 */
export function generalRarity(word: string): number {
  const { words, total } = generalDictionary();
  const idf = Math.log((total + 1) / ((words.get(word) ?? 0) + 1));
  return Math.min(1, Math.max(0, (idf - commonIdf) / (rareIdf - commonIdf)));
}
/** General idf of a word about as common as 发展 / 时间, and of one about as rare as 国境线. */
const commonIdf = 8;
const rareIdf = 14;

let shipped: VocabularyData | undefined;
let fallbackAnalyzer: Analyzer | undefined;

/** The shipped vocabulary files, read once. */
export function defaultVocabulary(): VocabularyData {
  shipped ??= loadVocabulary();
  return shipped;
}

/** An analyzer over the shipped vocabulary and no corpus words (baselines, benchmarks, tests). */
export function defaultAnalyzer(): Analyzer {
  fallbackAnalyzer ??= new Analyzer();
  return fallbackAnalyzer;
}
