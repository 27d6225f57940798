// Proposed PolicyIndex fixes applied to one live instance, switchable on and off so the benchmark can
// time original and patched search alternately (same data, same moment, same machine load):
//   1. FastBm25Index for the chunk and document BM25 indexes (identical scores, typed-array postings);
//   2. the document prior scores only the candidates' documents plus the maximum, instead of ranking
//      every document and building a Map of them per query;
//   3. collapse compares sorted bigram codes with an exact early-exit bound instead of string Sets.
// Each part checks that PolicyIndex still has the shape it replaces and is left out otherwise.
import type { Bm25Fields, Bm25Index } from '../../server/rag/bm25-index.js';
import { documentPrior, PolicyIndex } from '../../server/rag/policy-index.js';
import { FastBm25Index, fieldsOf } from './fast-bm25-index.js';
import { createCollapse } from './fast-collapse.js';

export interface IndexPatch {
  /** Which fixes took (of "bm25", "document-prior", "collapse"). */
  parts: string[];
  /** Time to build the FastBm25Index copies from the token lists the originals hold. */
  buildMs: number;
  apply(): void;
  revert(): void;
}

type Ranked = { doc: number; score: number }[];

interface PolicyIndexInternals {
  bm25: Bm25Index | FastBm25Index;
  documentBm25?: Bm25Index | FastBm25Index;
  documentOrder?: string[];
  chunks: { documentId: string }[];
  queryFields(query: string): Bm25Fields;
  lexicalSearch?: (query: string, pool: number, allowed?: Set<number>) => Ranked;
  collapse?: unknown;
}

export function createIndexPatch(index: PolicyIndex): IndexPatch | undefined {
  const target = index as unknown as PolicyIndexInternals;
  const chunkFields = fieldsOf(target.bm25 as Bm25Index);
  if (!chunkFields) return undefined;
  const documentFields = target.documentBm25 ? fieldsOf(target.documentBm25 as Bm25Index) : undefined;
  const started = performance.now();
  const fastChunks = new FastBm25Index(chunkFields.entries, chunkFields.parameters);
  const fastDocuments = documentFields ? new FastBm25Index(documentFields.entries, documentFields.parameters) : undefined;
  const buildMs = performance.now() - started;
  const originals = { bm25: target.bm25, documentBm25: target.documentBm25 };
  const parts = ['bm25'];

  // The document prior, as PolicyIndex.lexicalSearch computes it, without ranking all documents.
  const original = PolicyIndex.prototype as unknown as PolicyIndexInternals;
  const lexicalSource = String(original.lexicalSearch ?? '');
  let lexicalSearch: PolicyIndexInternals['lexicalSearch'];
  if (fastDocuments && target.documentOrder && /documentBm25/.test(lexicalSource) && /documentPrior\.weight\s*\*\s*topChunk/.test(lexicalSource)) {
    const documentNumber = new Map(target.documentOrder.map((id, i) => [id, i]));
    lexicalSearch = function (this: PolicyIndexInternals, query: string, pool: number, allowed?: Set<number>): Ranked {
      const fields = this.queryFields(query);
      const candidates = this.bm25.search(fields, { k: pool * 4, allowed });
      if (candidates.length === 0) return candidates;
      const numbers = candidates.map(({ doc }) => documentNumber.get(this.chunks[doc].documentId) ?? -1);
      const { max, scores } = fastDocuments.scoreSubset({ tokens: fields.tokens, bigrams: [], context: [] }, numbers.map((n) => Math.max(0, n)));
      const topChunk = candidates[0].score;
      return candidates
        .map(({ doc, score }, i) => ({ doc, score: score + documentPrior.weight * topChunk * (max > 0 && numbers[i] >= 0 && scores[i] > 0 ? scores[i] / max : 0) }))
        .sort((a, b) => b.score - a.score || a.doc - b.doc)
        .slice(0, pool);
    };
    parts.push('document-prior');
  }

  const collapse = createCollapse(index);
  if (collapse) parts.push('collapse');
  const set = (name: string, value: unknown) => Object.defineProperty(target, name, { value, writable: true, configurable: true });
  return {
    parts,
    buildMs,
    apply() {
      set('bm25', fastChunks);
      if (fastDocuments) set('documentBm25', fastDocuments);
      if (lexicalSearch) set('lexicalSearch', lexicalSearch);
      if (collapse) set('collapse', collapse);
    },
    revert() {
      set('bm25', originals.bm25);
      if (originals.documentBm25) set('documentBm25', originals.documentBm25);
      delete (target as { lexicalSearch?: unknown }).lexicalSearch;
      delete (target as { collapse?: unknown }).collapse;
    },
  };
}
