// Which citations an answer refers to: markers in its text and notes, and the cells of its table.
import type { Citation, Comparison } from '../api/types';

/** `[1]`, `[1,2]`, `[1、2]`: the answer's citation markers. */
export const markerPattern = /\[(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\]/g;

export function markerNumbers(text: string): number[] {
  return [...text.matchAll(markerPattern)].flatMap((match) => match[1].split(/\s*[,，、]\s*/).map(Number));
}

export interface CitationsInUseOptions {
  answer: string;
  citations: readonly Citation[];
  notes?: readonly string[];
  comparison?: Comparison;
  /** A finished answer that refers to none of its citations lists them all (a server without markers). */
  finished: boolean;
}

/** The citations the answer, its notes or its table refer to, in number order. */
export function citationsInUse({ answer, citations, notes = [], comparison, finished }: CitationsInUseOptions): Citation[] {
  const used = new Set([...markerNumbers(answer), ...notes.flatMap(markerNumbers)]);
  for (const cell of comparison?.cells ?? []) if (cell.citation !== undefined) used.add(cell.citation);
  const cited = citations.filter((citation) => used.has(citation.n));
  return (cited.length > 0 || !finished ? cited : [...citations]).sort((a, b) => a.n - b.n);
}
