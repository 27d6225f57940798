// Sentence splitting for Chinese policy text: on 。！？； (and their half-width forms) and line breaks.

/** A sentence as a span of its source text. */
export interface Sentence {
  text: string;
  start: number;
  end: number;
}

const terminators = new Set(['。', '！', '？', '；', '!', '?', ';', '\n']);
const closers = new Set(['”', '’', '」', '』', '）', ')', '"', "'"]);

/**
 * Splits `text` into sentences; offsets are relative to `text` plus `offset`, so spans taken from
 * a chunk can be mapped straight back into the document. Whitespace-only pieces are dropped and
 * each sentence is trimmed of surrounding whitespace (its offsets follow the trim).
 */
export function splitSentences(text: string, offset = 0): Sentence[] {
  const sentences: Sentence[] = [];
  let start = 0;
  const push = (end: number) => {
    let s = start;
    let e = end;
    while (s < e && /\s/.test(text[s])) s++;
    while (e > s && /\s/.test(text[e - 1])) e--;
    if (e > s) sentences.push({ text: text.slice(s, e), start: s + offset, end: e + offset });
    start = end;
  };
  for (let i = 0; i < text.length; i++) {
    if (!terminators.has(text[i])) continue;
    let end = i + 1;
    while (end < text.length && (closers.has(text[end]) || (terminators.has(text[end]) && text[end] !== '\n'))) end++;
    push(end);
    i = end - 1;
  }
  push(text.length);
  return sentences;
}
