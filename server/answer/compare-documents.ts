// Stage 5 — compose (comparisons): a table with one row per aspect the documents' clauses share and
// one column per document, each cell the cited sentence or nothing ("未提及"), and a line stating
// what every document says only where each has a cited sentence for it.
import type { PolicyIndex } from '../rag/policy-index.js';
import { foldWidth } from '../rag/tokenize.js';
import type { Comparison, ComparisonCell } from './answer-types.js';
import type { CitationBook, Pick } from './render-answer.js';
import type { SectionAnswer } from './select-sections.js';

const aspectTags = /^(n|nz|vn|l|j|an|nt)$/;
const maxAspects = 3;
/** An aspect term's idf must reach this share of the rarest term's. */
const aspectMinRarity = 0.55;

/** Aspects: the key terms two or more documents' clauses share, most shared and rarest first. */
export function sharedAspects(answers: SectionAnswer[], index: PolicyIndex, exclude: string[]): string[] {
  const titles = answers.map((answer) => foldWidth(index.document(answer.documentId)?.title ?? ''));
  const documentsWith = new Map<string, Set<string>>();
  for (const answer of answers) {
    for (const item of answer.items.flat()) {
      for (const { word, tag } of index.analyzer.tag(item.text)) {
        if (word.length < 2 || !aspectTags.test(tag) || index.analyzer.isStopWord(word)) continue;
        if (exclude.some((term) => term.includes(word) || word.includes(term)) || titles.some((title) => title.includes(word))) continue;
        const set = documentsWith.get(word) ?? new Set();
        set.add(answer.documentId);
        documentsWith.set(word, set);
      }
    }
  }
  // Specific terms only: a word most clauses use ("发展", "服务") tells nothing about what documents share.
  const maxIdf = index.bm25.idf('\u0000never-seen\u0000');
  const ranked = [...documentsWith]
    .filter(([word, documents]) => documents.size >= 2 && index.bm25.idf(word) >= aspectMinRarity * maxIdf)
    .map(([word, documents]) => ({ word, score: documents.size * index.bm25.idf(word) }))
    .sort((a, b) => b.score - a.score || (a.word < b.word ? -1 : 1));
  const aspects: string[] = [];
  for (const { word } of ranked) {
    if (aspects.length >= maxAspects) break;
    if (aspects.some((aspect) => aspect.includes(word) || word.includes(aspect))) continue;
    aspects.push(word);
  }
  return aspects;
}

/**
 * The comparison table of `answers` (one column per document): the topic's row holds each document's
 * first clause, further rows each shared aspect's first clause mentioning it. Cells cite through
 * `book`, so the table and the answer text share citation numbers.
 */
export function buildComparison({ answers, topic, index, book, exclude }: { answers: SectionAnswer[]; topic: string; index: PolicyIndex; book: CitationBook; exclude: string[] }): Comparison {
  const aspects = [topic, ...sharedAspects(answers, index, exclude)];
  const documents = answers.map((answer) => ({ id: answer.documentId, title: index.document(answer.documentId)?.title ?? answer.documentId }));
  const cells: ComparisonCell[] = [];
  aspects.forEach((aspect, a) => {
    answers.forEach((answer, d) => {
      const spans = answer.items.flat();
      const item: Pick | undefined = a === 0 ? spans[0] : spans.find((candidate) => foldWidth(candidate.text).includes(aspect));
      cells.push(item ? { aspect: a, document: d, text: item.text, citation: book.cite(item) } : { aspect: a, document: d, text: null });
    });
  });
  const shared = aspects.slice(1).filter((_, i) => answers.every((_, d) => cells.find((cell) => cell.aspect === i + 1 && cell.document === d)?.text));
  return { aspects, documents, cells, shared };
}

/**
 * "共同点：三份文件都提到「生态补偿」「流域」": a label over the comparison naming the aspects every
 * document has a cited sentence for (the sentences are in the table and the answer below it).
 */
export function sharedLine(comparison: Comparison): string | undefined {
  if (comparison.shared.length === 0) return undefined;
  const count = comparison.documents.length;
  const counted = count === 2 ? '两份' : count === 3 ? '三份' : `${count}份`;
  return `共同点：${counted}文件都提到${comparison.shared.map((aspect) => `「${aspect}」`).join('')}`;
}
