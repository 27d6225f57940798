// Cuts a document's text into pieces for display: section anchors, heading lines, the highlighted span.
import type { DocumentSection } from '../api/types';

export interface TextRange {
  start: number;
  end: number;
}

export type TextPiece =
  | { kind: 'anchor'; section: number }
  | { kind: 'text'; text: string; heading?: { section: number; depth: number }; marked: boolean };

/**
 * Splits `text` at every section start, heading end and highlight edge. A section's heading is styled
 * only when the text at its start really is that heading, so a server whose offsets point elsewhere
 * still renders correctly, just plainer.
 */
export function splitDocumentText(text: string, sections: readonly DocumentSection[], highlight: TextRange | null): TextPiece[] {
  const headings: { section: number; start: number; end: number; depth: number }[] = [];
  const anchorsAt = new Map<number, number[]>();
  sections.forEach((section, index) => {
    const start = Math.max(0, Math.min(text.length, section.start));
    anchorsAt.set(start, [...(anchorsAt.get(start) ?? []), index]);
    const heading = section.path[section.path.length - 1]?.trim();
    if (!heading) return;
    let headingStart = start;
    while (headingStart < text.length && /\s/.test(text[headingStart])) headingStart++;
    if (text.startsWith(heading, headingStart)) {
      headings.push({ section: index, start: headingStart, end: headingStart + heading.length, depth: section.path.length });
    }
  });

  const cuts = new Set<number>([0, text.length, ...anchorsAt.keys()]);
  headings.forEach((heading) => cuts.add(heading.start).add(heading.end));
  if (highlight) cuts.add(highlight.start).add(highlight.end);
  const sorted = [...cuts].filter((cut) => cut >= 0 && cut <= text.length).sort((a, b) => a - b);

  const pieces: TextPiece[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const from = sorted[i];
    for (const section of anchorsAt.get(from) ?? []) pieces.push({ kind: 'anchor', section });
    const to = sorted[i + 1];
    if (to === undefined || to === from) continue;
    const heading = headings.find((candidate) => candidate.start <= from && to <= candidate.end);
    pieces.push({
      kind: 'text',
      text: text.slice(from, to),
      heading: heading ? { section: heading.section, depth: heading.depth } : undefined,
      marked: Boolean(highlight && highlight.start <= from && to <= highlight.end),
    });
  }
  return pieces;
}

/**
 * Where to highlight: the cited offsets when they hold the quote, otherwise the quote's first
 * occurrence, otherwise the offsets as given (clamped). Null when nothing sensible remains.
 */
export function resolveHighlight(text: string, range: TextRange & { quote?: string }): TextRange | null {
  const start = Math.max(0, Math.min(text.length, Math.floor(range.start)));
  const end = Math.max(start, Math.min(text.length, Math.floor(range.end)));
  const quote = range.quote?.trim() ?? '';
  const compact = (value: string) => value.replace(/\s+/g, '');
  if (quote && !compact(text.slice(start, end)).includes(compact(quote).slice(0, 16))) {
    for (const probe of [quote, quote.slice(0, 24), quote.slice(0, 12)]) {
      const found = probe.length >= 6 ? text.indexOf(probe) : -1;
      if (found !== -1) return { start: found, end: found + (probe === quote ? quote.length : Math.min(quote.length, text.length - found)) };
    }
  }
  return end > start ? { start, end } : null;
}
