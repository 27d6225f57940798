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

/** Search tokens of a text with the shipped vocabulary (no corpus words). */
export function tokenize(text: string): string[] {
  return defaultAnalyzer().tokenize(text);
}

/** Query tokens (with synonyms) of a text with the shipped vocabulary (no corpus words). */
export function queryTokens(text: string): string[] {
  return defaultAnalyzer().queryTokens(text);
}
