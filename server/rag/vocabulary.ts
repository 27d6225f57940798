// Vocabulary as data: the synonym file (Solr / Elasticsearch format), the segmenter's user dictionary
// (jieba format), the stop-word list and the place names a question may name, read from files a site
// can edit.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const shippedDir = resolve(dirname(fileURLToPath(import.meta.url)), '../vocabulary');

/** The vocabulary files the product ships with. */
export const shippedVocabularyFiles = {
  synonyms: resolve(shippedDir, 'synonyms.txt'),
  userDictionary: resolve(shippedDir, 'user-dict.txt'),
  stopWords: resolve(shippedDir, 'stopwords.txt'),
  places: resolve(shippedDir, 'places.txt'),
} as const;

/** Query-side synonym rules: a trigger term → the terms a question using it also searches. */
export type SynonymRules = ReadonlyMap<string, readonly string[]>;

/** Everything an analyzer needs besides the segmenter's own dictionary. */
export interface VocabularyData {
  synonyms: SynonymRules;
  /** Lines of a jieba user dictionary ("word [frequency] [tag]"). */
  userDictionary: string[];
  stopWords: ReadonlySet<string>;
  /**
   * Place names (with and without their administrative unit): a word the segmenter tags as a place is
   * one only when listed here. Without a list, every such word is.
   */
  places?: ReadonlySet<string>;
}

/** A line the synonym parser could not read, with its number. */
export class VocabularyFileError extends Error {}

/**
 * Parses a synonym file: `a, b, c` makes the terms equivalent; `a, b => c, d` makes a question using
 * a or b also search c and d. `#` starts a comment; blank lines are ignored.
 */
export function parseSynonyms(text: string, source = 'synonyms'): Map<string, string[]> {
  const rules = new Map<string, string[]>();
  const add = (trigger: string, targets: string[]) => {
    const list = rules.get(trigger) ?? [];
    for (const target of targets) if (target !== trigger && !list.includes(target)) list.push(target);
    rules.set(trigger, list);
  };
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    const terms = (part: string) => part.split(/[,，]/).map((term) => term.trim()).filter(Boolean);
    if (line.includes('=>')) {
      const [left, right, ...rest] = line.split('=>');
      if (rest.length > 0 || terms(left).length === 0 || terms(right ?? '').length === 0) {
        throw new VocabularyFileError(`${source} line ${i + 1}: expected "a, b => c, d", got "${raw.trim()}"`);
      }
      for (const trigger of terms(left)) add(trigger, terms(right));
      return;
    }
    const group = terms(line);
    if (group.length < 2) throw new VocabularyFileError(`${source} line ${i + 1}: an equivalence needs two or more terms, got "${raw.trim()}"`);
    for (const term of group) add(term, group);
  });
  return rules;
}

/** Reads the user-dictionary lines of a jieba dictionary file (comments and blank lines dropped). */
export function parseUserDictionary(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter(Boolean);
}

/** Reads a stop-word file: words separated by spaces or line breaks, `#` comments. */
export function parseStopWords(text: string): Set<string> {
  return new Set(
    text
      .split(/\r?\n/)
      .map((line) => line.replace(/#.*$/, ''))
      .join(' ')
      .split(/\s+/)
      .filter(Boolean),
  );
}

/** Loads the vocabulary files (the shipped ones unless paths are given); an empty path means "none". */
export function loadVocabulary({
  synonymsFile = shippedVocabularyFiles.synonyms,
  userDictionaryFile = shippedVocabularyFiles.userDictionary,
  stopWordsFile = shippedVocabularyFiles.stopWords,
  placesFile = shippedVocabularyFiles.places,
}: { synonymsFile?: string; userDictionaryFile?: string; stopWordsFile?: string; placesFile?: string } = {}): VocabularyData {
  const read = (path: string, what: string) => {
    if (path === '') return '';
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      throw new VocabularyFileError(`cannot read the ${what} file ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  return {
    synonyms: parseSynonyms(read(synonymsFile, 'synonym'), synonymsFile),
    userDictionary: parseUserDictionary(read(userDictionaryFile, 'user dictionary')),
    stopWords: parseStopWords(read(stopWordsFile, 'stop-word')),
    // One name per line, `#` comments: the stop-word reader reads that too. No file: no list.
    places: placesFile === '' ? undefined : parseStopWords(read(placesFile, 'place-name')),
  };
}

/**
 * A fingerprint of what segmentation depends on (user dictionary, synonym triggers, stop words): an
 * index built with other vocabulary files must be rebuilt.
 */
export function vocabularyHash(vocabulary: VocabularyData): string {
  const hash = createHash('sha256');
  hash.update(vocabulary.userDictionary.join('\n'));
  hash.update('\u0000');
  hash.update([...vocabulary.synonyms.keys()].sort().join('\n'));
  hash.update('\u0000');
  hash.update([...vocabulary.stopWords].sort().join(' '));
  return hash.digest('hex').slice(0, 16);
}
