// Full-text peers on the same pre-tokenised jieba tokens and the same queries: MiniSearch, FlexSearch
// and Orama (JavaScript), and LanceDB's full-text and vector search (Rust, through its npm package).
// Each reports build time, latency, and overlap@10 with the product's top 10 (so speed is not bought
// with different results).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import { create, insertMultiple, search as oramaSearch } from '@orama/orama';
import FlexSearch from 'flexsearch';
import MiniSearch from 'minisearch';
import { summarize, timed, type LatencySummary } from './stats.js';

// LanceDB sizes its compute pool at the core count less two reserved for I/O, so one thread on a
// 2-core machine, and its full-text index build then deadlocks (the posting-list producer holds the
// only pool thread while the file writer waits for one: every thread asleep, no CPU; a known lance
// issue on small hosts). A pool of a few threads lets it finish; set before LanceDB starts its pool.
process.env.LANCE_CPU_THREADS ??= '4';

export interface PeerReport {
  name: string;
  buildMs: number;
  latency: LatencySummary;
  queries: number;
  /** Mean share of the product's top 10 that the peer's top 10 holds. */
  overlapAt10: number;
  note?: string;
}

/** The separator the peers split pre-tokenised text on (tokens never contain it). */
const separator = '\u0001';
const k = 10;

/** Mean |a ∩ b| / min(10, |a|, |b|) over queries (1 when both are empty). */
export function overlapAt10(product: (string | number)[][], peer: (string | number)[][]): number {
  let sum = 0;
  product.forEach((top, i) => {
    const other = new Set(peer[i]);
    const size = Math.min(k, top.length, peer[i].length);
    sum += size === 0 ? (top.length === peer[i].length ? 1 : 0) : top.slice(0, size).filter((id) => other.has(id)).length / size;
  });
  return Math.round((sum / Math.max(1, product.length)) * 1000) / 1000;
}

async function timeQueries<T>(queries: T[], run: (query: T) => Promise<(string | number)[]> | (string | number)[]): Promise<{ latency: LatencySummary; tops: (string | number)[][] }> {
  for (const query of queries.slice(0, 5)) await run(query);
  const samples: number[] = [];
  const tops: (string | number)[][] = [];
  for (const query of queries) {
    const started = performance.now();
    tops.push(await run(query));
    samples.push(performance.now() - started);
  }
  return { latency: summarize(samples), tops };
}

/**
 * Builds each peer over `documents` (one token list per chunk, chunk number = position) and answers
 * `queries` (token lists); `productTop` is the product's top 10 chunk numbers per query.
 */
export async function benchLexicalPeers({
  documents,
  queries,
  productTop,
  vectors,
  queryVectors,
  denseTop,
  skip = [],
}: {
  documents: string[][];
  queries: string[][];
  productTop: number[][];
  /** Chunk vectors and query vectors for LanceDB's vector search (with the product's exact top 10). */
  vectors?: Float32Array[];
  queryVectors?: number[][];
  denseTop?: number[][];
  skip?: string[];
}): Promise<{ peers: PeerReport[]; lanceVector?: PeerReport }> {
  const peers: PeerReport[] = [];
  const report = async (name: string, build: () => Promise<(query: string[]) => Promise<number[]> | number[]>, note?: string) => {
    if (skip.includes(name)) return;
    const { ms: buildMs, value: run } = await timed(build);
    const { latency, tops } = await timeQueries(queries, run);
    peers.push({ name, buildMs: Math.round(buildMs), latency, queries: queries.length, overlapAt10: overlapAt10(productTop, tops), note });
    globalThis.gc?.();
  };

  await report('MiniSearch 7', async () => {
    const index = new MiniSearch<{ id: number; text: string }>({
      fields: ['text'],
      tokenize: (text) => text.split(separator),
      processTerm: (term) => term,
      searchOptions: { tokenize: (text) => text.split(separator), processTerm: (term) => term, combineWith: 'OR' },
    });
    index.addAll(documents.map((tokens, id) => ({ id, text: tokens.join(separator) })));
    return (query) => index.search(query.join(separator)).slice(0, k).map((hit) => hit.id as number);
  }, 'BM25+, OR');

  await report('FlexSearch 0.8', async () => {
    const index = new FlexSearch.Index({ tokenize: 'strict', encode: (text: string) => text.split(separator) });
    documents.forEach((tokens, id) => index.add(id, tokens.join(separator)));
    return (query) => index.search(query.join(separator), { limit: k, suggest: true }) as number[];
  }, 'its own contextual score (not BM25), suggest: partial matches allowed');

  await report('Orama 3', async () => {
    const db = create({
      schema: { text: 'string' } as const,
      components: { tokenizer: { language: 'english', normalizationCache: new Map(), tokenize: (raw: string) => raw.split(separator) } },
    });
    await insertMultiple(
      db,
      documents.map((tokens, id) => ({ id: String(id), text: tokens.join(separator) })),
      5000,
    );
    return async (query) => {
      const result = await oramaSearch(db, { term: query.join(separator), properties: ['text'], limit: k, threshold: 1 });
      return result.hits.map((hit) => Number(hit.id));
    };
  }, 'BM25, threshold 1 (any term)');

  let lanceVector: PeerReport | undefined;
  if (!skip.includes('LanceDB')) {
    const folder = await mkdtemp(join(tmpdir(), 'bench-lancedb-'));
    try {
      const { ms: loadMs, value: table } = await timed(async () => {
        const connection = await lancedb.connect(folder);
        const withVectors = vectors && !skip.includes('LanceDB vector');
        const rows = documents.map((tokens, id) => ({ id, text: tokens.join(' '), ...(withVectors ? { vector: Array.from(vectors[id]) } : {}) }));
        return connection.createTable('chunks', rows);
      });
      const { ms: ftsMs } = await timed(() =>
        table.createIndex('text', { config: lancedb.Index.fts({ baseTokenizer: 'whitespace', lowercase: false, stem: false, removeStopWords: false, asciiFolding: false, withPosition: false }) }),
      );
      const { latency, tops } = await timeQueries(queries, async (query) => {
        const rows = await table.query().fullTextSearch(new lancedb.MatchQuery(query.join(' '), 'text')).select(['id', '_score']).limit(k).toArray();
        return rows.map((row) => Number(row.id));
      });
      peers.push({ name: 'LanceDB 0.31 FTS', buildMs: Math.round(loadMs + ftsMs), latency, queries: queries.length, overlapAt10: overlapAt10(productTop, tops), note: `BM25 (Rust); table write ${Math.round(loadMs)} ms + FTS index ${Math.round(ftsMs)} ms` });
      if (vectors && queryVectors && denseTop && !skip.includes('LanceDB vector')) {
        const vectorRun = await timeQueries(queryVectors, async (vector) => {
          const rows = await table.vectorSearch(vector).distanceType('cosine').select(['id']).limit(k).toArray();
          return rows.map((row) => Number(row.id));
        });
        lanceVector = { name: 'LanceDB 0.31 vector (no index: exact scan)', buildMs: Math.round(loadMs), latency: vectorRun.latency, queries: queryVectors.length, overlapAt10: overlapAt10(denseTop, vectorRun.tops) };
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }
  return { peers, lanceVector };
}
