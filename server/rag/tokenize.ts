// Text helpers every analysis step shares: width folding and character bigrams. Segmentation with a
// vocabulary lives in analyzer.ts; `tokenize` / `queryTokens` here use the shipped vocabulary only.
import { defaultAnalyzer } from './analyzer.js';

/** Full-width ASCII and ideographic space to half-width, lower case; length preserved. */
export function foldWidth(text: string): string {
  return text
    .replace(/[\uFF01-\uFF5E]/g, (char) => String.fromCharCode(char.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
    .toLowerCase();
}

/** Overlapping CJK character bigrams: a fallback field that matches words jieba cut differently. */
export function bigrams(text: string): string[] {
  const folded = foldWidth(text);
  const result: string[] = [];
  for (const run of folded.match(/[\p{Script=Han}]+/gu) ?? []) {
    for (let i = 0; i + 1 < run.length; i++) result.push(run.slice(i, i + 2));
  }
  return result;
}

/**
 * Single characters: each Han character, Latin and digit runs whole (widths folded). The third lexical
 * ranking: it matches a word in another form than the question's (罚 and 罚款, 退 and 退还, a colloquial
 * compound the segmenter keeps whole) where words and bigrams miss it.
 */
export function characters(text: string): string[] {
  return foldWidth(text).match(/\p{Script=Han}|[a-z0-9]+(?:\.[0-9]+)?%?/gu) ?? [];
}

/** Search tokens of a text with the shipped vocabulary (no corpus words). */
export function tokenize(text: string): string[] {
  return defaultAnalyzer().tokenize(text);
}

/** Query tokens (with synonyms) of a text with the shipped vocabulary (no corpus words). */
export function queryTokens(text: string): string[] {
  return defaultAnalyzer().queryTokens(text);
}
