// Turns an answer and its citations into Markdown with footnotes, for copying into other documents.
import { formatSectionPath, formatTitle } from '../../../lib/format';
import type { Citation } from '../api/types';

/** `[n]` markers become `[^n]` footnote references; each source follows as `[^n]: 《title》› path：“quote”`. */
export function answerToMarkdown(answer: string, citations: readonly Citation[]): string {
  const known = new Set(citations.map((citation) => citation.n));
  const body = answer
    .trim()
    .replace(/\[(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\]/g, (whole, numbers: string) => {
      const list = numbers.split(/\s*[,，、]\s*/).map(Number);
      return list.every((n) => known.has(n)) ? list.map((n) => `[^${n}]`).join('') : whole;
    });
  if (citations.length === 0) return body;
  const footnotes = [...citations]
    .sort((a, b) => a.n - b.n)
    .map((citation) => {
      const path = formatSectionPath(citation.section);
      const quote = citation.quote.replace(/\s+/g, ' ').trim();
      return `[^${citation.n}]: ${formatTitle(citation.title)}${path ? `› ${path}` : ''}：“${quote}”`;
    });
  return `${body}\n\n${footnotes.join('\n')}\n`;
}
