// "一干多支方案确定了哪几条基本原则？": when a question asks for the list a section heading names, the
// answer is that section's items — its sub-headings, or the short lead-in phrases its paragraphs open
// with ("协调联动、整体提升。") — each quoted and cited, rather than the sentences that happen to repeat
// the question's words.
import { splitSentences } from '../ingest/split-sentences.js';
import type { PolicyIndex } from '../rag/policy-index.js';
import { foldWidth } from '../rag/tokenize.js';
import type { PolicyDocument, Section } from '../rag/types.js';
import type { AnalysedQuestion } from './question-analysis.js';
import type { ScoredSentence } from './score-sentences.js';

const numbering = /^\s*(?:[（(]?[一二三四五六七八九十百\d]+[)）、.．]|第[一二三四五六七八九十百]+[章节条])\s*/;
/** A lead-in phrase: short, no figures, phrases joined by "、" or opened by a dash ("——"). */
const leadIn = /^(?:——|一一|—)?[^\d，,。；]{2,12}(?:、[^\d，,。；]{2,12})+。$|^(?:——|一一)[^\d，,。；]{2,18}。$/;
const maxItems = 12;

/** The items of the section the question names, in document order; undefined when there is none. */
export function listSectionItems({ question, scored, index }: { question: AnalysedQuestion; scored: ScoredSentence[]; index: PolicyIndex }): ScoredSentence[] | undefined {
  if (!question.asksList || question.asksNumber || question.crossDocument) return undefined;
  const asked = foldWidth(question.question);
  const documentIds = [...new Set(scored.slice(0, 12).map((sentence) => sentence.result.documentId))].slice(0, 3);
  for (const documentId of documentIds) {
    const document = index.document(documentId);
    if (!document) continue;
    const about = foldWidth(`${document.title} ${document.region ?? ''}`);
    for (const section of document.sections) {
      const name = headingName(section);
      if (!name || !asked.includes(foldWidth(name))) continue;
      // The heading must be what is asked about: at most one other word of the question may be left
      // over once the heading and the document's own title are accounted for ("确定了").
      const leftOver = question.focusTokens.filter((token) => !name.includes(token) && !about.includes(token));
      if (leftOver.length > 1) continue;
      const items = (childHeadings(document, section) ?? leadIns(document, section, name) ?? [])
        .slice(0, maxItems)
        .map((item) => asScored(index, document, item))
        .filter((item): item is ScoredSentence => item !== undefined);
      if (items.length >= 2) return items;
    }
  }
  return undefined;
}

/** The heading's words without its numbering: "（二）基本原则" → "基本原则"; undefined for a run-in heading. */
function headingName(section: Section): string | undefined {
  const title = section.path[section.path.length - 1];
  if (!title || title.includes('…')) return undefined;
  const name = title.replace(numbering, '').replace(/[。：:]$/, '');
  return name.length >= 2 && name.length <= 12 ? name : undefined;
}

interface Span {
  text: string;
  start: number;
  end: number;
}

/** Sub-headings directly under the section, each as the first sentence at its start. */
function childHeadings(document: PolicyDocument, section: Section): Span[] | undefined {
  const children = document.sections.filter(
    (other) =>
      other.path.length === section.path.length + 1 &&
      other.start >= section.start &&
      other.end <= section.end &&
      section.path.every((part, i) => other.path[i] === part),
  );
  if (children.length < 2) return undefined;
  return children.map((child) => splitSentences(document.text.slice(child.start, child.end), child.start)[0]).filter((span): span is Span => span !== undefined);
}

/** The lead-in phrases the section's paragraphs open with; the first may follow the heading on its line. */
function leadIns(document: PolicyDocument, section: Section, name: string): Span[] | undefined {
  const spans: Span[] = [];
  for (const sentence of splitSentences(document.text.slice(section.start, section.end), section.start)) {
    let span: Span = sentence;
    const at = sentence.text.indexOf(name);
    if (at >= 0 && at <= 6) {
      // "(二)基本原则一一明确定位、差异发展。": the phrase after the heading words and the dash.
      const rest = sentence.text.slice(at + name.length).replace(/^[\s：:]*/, '');
      const start = sentence.end - rest.length;
      span = { text: rest, start, end: sentence.end };
    }
    if (leadIn.test(span.text)) {
      const bare = span.text.replace(/^(?:——|一一|—)/, '');
      spans.push({ text: bare, start: span.end - bare.length, end: span.end });
    }
  }
  return spans.length >= 2 ? spans : undefined;
}

/** A listed item as an answer sentence, cited to the chunk that holds it (none: the item is left out). */
function asScored(index: PolicyIndex, document: PolicyDocument, item: Span): ScoredSentence | undefined {
  const chunk = index.chunkContaining(document.id, item.start, item.end);
  if (!chunk) return undefined;
  const result = { chunkId: chunk.id, documentId: document.id, title: document.title, section: chunk.section, text: chunk.text, score: 0, start: chunk.start, end: chunk.end };
  return { ...item, result, section: index.sectionAt(document.id, item.start), rank: 0, coverage: 1, matchedTerms: 1, matchesFocus: true, score: 1 };
}
