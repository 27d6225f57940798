// Stage 2 — retrieve: the clauses each question part needs; for topics, comparisons and summaries a
// deeper search, and each leading document's own best clauses so every document that speaks to the
// topic is represented.
import type { PolicyIndex } from '../rag/policy-index.js';
import type { SearchResult } from '../rag/types.js';
import type { QuestionAnalysis } from './analyse-question.js';

export const retrievalDepth = { fact: 8, wide: 40, perDocument: 6, documents: 6 } as const;

export interface Retrieved {
  /** All clauses, best first. */
  results: SearchResult[];
  /** The clauses retrieved for each part of a multi-part question (one list per part). */
  perPart: SearchResult[][];
}

export async function retrieveClauses({ analysis, index, documents }: { analysis: QuestionAnalysis; index: PolicyIndex; documents?: string[] }): Promise<Retrieved> {
  if (analysis.intent === 'fact' || analysis.intent === 'list') {
    if (analysis.parts.length < 2) {
      const results = await index.search(analysis.retrievalQuery, { k: retrievalDepth.fact, documents });
      return { results, perPart: [results] };
    }
    const perPart = await Promise.all(analysis.parts.map((part) => index.search(part.query, { k: retrievalDepth.fact, documents })));
    return { results: interleave(perPart), perPart };
  }
  const results = await index.search(analysis.retrievalQuery, { k: retrievalDepth.wide, documents });
  // Each leading document's own best clauses, so a document ranked low overall still shows its section.
  const leading = [...new Set(results.map((result) => result.documentId))].slice(0, retrievalDepth.documents);
  const own = await Promise.all(leading.map((id) => index.search(analysis.retrievalQuery, { k: retrievalDepth.perDocument, documents: [id] })));
  const merged = interleave([results, ...own]);
  return { results: merged, perPart: [merged] };
}

/** Rankings merged rank by rank, each clause once. */
function interleave(rankings: SearchResult[][]): SearchResult[] {
  const seen = new Set<string>();
  const merged: SearchResult[] = [];
  const longest = Math.max(0, ...rankings.map((ranking) => ranking.length));
  for (let rank = 0; rank < longest; rank++) {
    for (const ranking of rankings) {
      const result = ranking[rank];
      if (result && !seen.has(result.chunkId)) {
        seen.add(result.chunkId);
        merged.push(result);
      }
    }
  }
  return merged;
}
