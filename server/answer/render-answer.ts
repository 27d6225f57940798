// Stage 6 — render: the chosen sentences as Markdown with [n] markers, and the citations they point at.
import type { PolicyIndex } from '../rag/policy-index.js';
import type { SearchResult } from '../rag/types.js';
import type { Citation } from './answer-types.js';
import { articleHeading, enumeratedItem } from './articles.js';

/** A sentence (or item) chosen for the answer: an exact span of its document. */
export interface Pick {
  text: string;
  start: number;
  end: number;
  result: SearchResult;
  section: string[];
  /** Shown before the sentence, outside the quote ("旧版（2019年）："); never part of the cited text. */
  label?: string;
}

/** A part of the answer: a paragraph of sentences, and/or a bulleted list, under an optional heading. */
export interface AnswerBlock {
  /** A heading line ("《…》", a section name); plain text, not a claim. */
  heading?: string;
  headingLevel?: 'document' | 'section';
  /** The heading's own line in the document, cited after the heading so a reader can open the section. */
  headingPick?: Pick;
  /** Sentences read as one paragraph; neighbouring spans of one clause share a citation. */
  sentences?: Pick[];
  /** One bullet each, each with its own citation; a bullet of several spans (a clause's lead and its sentence on the topic) cites each. */
  items?: (Pick | Pick[])[];
}

export interface RenderedAnswer {
  answer: string;
  citations: Citation[];
}

/** Numbers citations in order of appearance; a repeated span reuses its number. */
export class CitationBook {
  readonly citations: Citation[];

  /** `existing`: citations already numbered (an LLM's), which new ones continue after. */
  constructor(
    private readonly index: PolicyIndex,
    existing: Citation[] = [],
  ) {
    this.citations = [...existing];
  }

  cite(pick: Pick): number {
    const existing = this.citations.find((citation) => citation.documentId === pick.result.documentId && citation.start === pick.start && citation.end === pick.end);
    if (existing) return existing.n;
    const citation: Citation = {
      n: this.citations.length + 1,
      chunkId: pick.result.chunkId,
      documentId: pick.result.documentId,
      title: pick.result.title,
      section: pick.section,
      quote: pick.text,
      start: pick.start,
      end: pick.end,
      ...versionOf(this.index, pick.result.documentId),
    };
    this.citations.push(citation);
    return citation.n;
  }

  /** Widens the last citation to end at `end` (a neighbouring sentence of the same clause joins it). */
  extend(n: number, pick: Pick): void {
    const citation = this.citations[n - 1];
    const document = this.index.document(citation.documentId);
    if (!document) return;
    citation.end = pick.end;
    citation.quote = document.text.slice(citation.start, citation.end);
  }
}

/** The version note of a cited document, when the library holds several versions of it. */
function versionOf(index: PolicyIndex, documentId: string): { version?: Citation['version'] } {
  const group = index.document(documentId)?.versionGroup;
  if (!group || group.versions.length < 2) return {};
  const version = group.versions.find((entry) => entry.id === documentId);
  const label = version?.date ? `${version.date.slice(0, 4)}年版` : '旧版';
  return { version: { label: documentId === group.newest ? `${label}（现行）` : label, superseded: documentId !== group.newest } };
}

/**
 * Document text as answer Markdown: characters Markdown or the citation markers would read ("**", "[3]",
 * a leading "#" or "-") are escaped with a backslash, so a document cannot forge a marker or format
 * the answer. Readers unescape (`\\x` → `x`) to get the exact quoted text back.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>#|]/g, (char) => `\\${char}`).replace(/^([-+]|\d+[.)])(\s)/, '\\$1$2');
}

/** Renders blocks of chosen sentences as Markdown; every sentence ends with its [n] marker. */
export function renderAnswer(blocks: AnswerBlock[], index: PolicyIndex, book = new CitationBook(index)): RenderedAnswer {
  const lines: string[] = [];
  for (const block of blocks) {
    const parts: string[] = [];
    if (block.heading) {
      const marker = block.headingPick ? `[${book.cite(block.headingPick)}]` : '';
      parts.push(`${block.headingLevel === 'section' ? '####' : '###'} ${escapeMarkdown(block.heading)}${marker}`);
    }
    if (block.sentences && block.sentences.length > 0) parts.push(renderParagraph(block.sentences, index, book));
    if (block.items && block.items.length > 0) {
      parts.push(block.items.map((item) => `- ${(Array.isArray(item) ? item : [item]).map((span) => `${span.label ?? ''}${escapeMarkdown(span.text)}[${book.cite(span)}]`).join('')}`).join('\n'));
    }
    if (parts.length > 0) lines.push(parts.join('\n\n'));
  }
  return { answer: lines.join('\n\n'), citations: book.citations };
}

/** Sentences in reading order; neighbours in one clause with only whitespace between share a citation. */
function renderParagraph(sentences: Pick[], index: PolicyIndex, book: CitationBook): string {
  const parts: string[] = [];
  let open: { n: number; end: number; chunkId: string } | undefined;
  let previousDocument: string | undefined;
  for (const sentence of sentences) {
    const document = index.document(sentence.result.documentId);
    const between = open && open.chunkId === sentence.result.chunkId && document ? document.text.slice(open.end, sentence.start) : undefined;
    if (open && between !== undefined && sentence.start >= open.end && /^\s*$/.test(between) && !sentence.label) {
      book.extend(open.n, sentence);
      // The marker moves to the end of the joined span.
      parts[parts.length - 1] = parts[parts.length - 1].replace(/\[\d+\]$/, '');
      parts.push(`${escapeMarkdown(sentence.text)}[${open.n}]`);
      open.end = sentence.end;
      continue;
    }
    const n = book.cite(sentence);
    // A sentence of another document starts a paragraph of its own: one run of text reads as one source.
    const otherDocument = open !== undefined && previousDocument !== sentence.result.documentId;
    // One that starts a line of its document (an article, an item, a paragraph) starts a line here too,
    // so "第十四条 …：[1](六)…[2]第十五条 …" does not read as one run-on sentence.
    const ownLine = open !== undefined && !otherDocument && startsLine(document?.text ?? '', sentence);
    parts.push(`${otherDocument ? '\n\n' : ownLine ? '\n' : ''}${sentence.label ?? ''}${escapeMarkdown(sentence.text)}[${n}]`);
    open = { n, end: sentence.end, chunkId: sentence.result.chunkId };
    previousDocument = sentence.result.documentId;
  }
  return parts.join('');
}

/** Whether a sentence begins a line of its document, or an article or enumerated item within one. */
function startsLine(text: string, sentence: Pick): boolean {
  const before = text.slice(Math.max(0, sentence.start - 40), sentence.start);
  return /\n[ \t\u3000]*$/.test(before) || articleHeading.test(sentence.text) || enumeratedItem.test(sentence.text);
}
