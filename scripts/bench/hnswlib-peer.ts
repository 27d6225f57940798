// What LangChain's own hnswlib store (@langchain/community HNSWLib) costs against the product's
// VectorIndex: the same hnswlib graph wrapped in HNSWLib with a docstore of the chunks, saved and
// loaded the way HNSWLib does it (hnswlib.index + docstore.json + args.json), then searched.
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import { SynchronousInMemoryDocstore } from '@langchain/community/stores/doc/in_memory';
import { Document } from '@langchain/core/documents';
import { Embeddings } from '@langchain/core/embeddings';
import hnswlib from 'hnswlib-node';
import type { Chunk } from '../../server/rag/types.js';
import { hnswDefaults } from '../../server/rag/vector-index.js';
import { overlapAt10 } from './lexical-peers.js';
import { summarize, timed, type LatencySummary } from './stats.js';

export interface HnswLibReport {
  saveMs: number;
  /** File sizes HNSWLib.save writes, MB. */
  filesMb: Record<string, number>;
  loadMs: number;
  latency: LatencySummary;
  /** Overlap of its top 10 with the exact top 10. */
  overlapAt10: number;
}

/** Vectors are passed directly; nothing is embedded. */
class NoEmbeddings extends Embeddings {
  constructor() {
    super({});
  }
  async embedDocuments(): Promise<number[][]> {
    throw new Error('not used');
  }
  async embedQuery(): Promise<number[]> {
    throw new Error('not used');
  }
}

export async function benchHnswLib({ hnswPath, dimensions, chunks, queries, productTop, k }: { hnswPath: string; dimensions: number; chunks: Chunk[]; queries: number[][]; productTop: number[][]; k: number }): Promise<HnswLibReport> {
  const index = new hnswlib.HierarchicalNSW('cosine', dimensions);
  await index.readIndex(hnswPath);
  const docstore = new SynchronousInMemoryDocstore(new Map(chunks.map((chunk, i) => [String(i), new Document({ pageContent: chunk.text, metadata: { chunkId: chunk.id, documentId: chunk.documentId, position: i } })])));
  const store = new HNSWLib(new NoEmbeddings(), { space: 'cosine', numDimensions: dimensions, index, docstore });
  const folder = await mkdtemp(join(tmpdir(), 'bench-hnswlib-'));
  try {
    const { ms: saveMs } = await timed(() => store.save(folder));
    const filesMb: Record<string, number> = {};
    for (const file of await readdir(folder)) filesMb[file] = Math.round((await stat(join(folder, file))).size / 1e5) / 10;
    const { ms: loadMs, value: loaded } = await timed(() => HNSWLib.load(folder, new NoEmbeddings()));
    // HNSWLib leaves hnswlib's ef at its default (10, raised to k); give it the product's, for the same recall.
    loaded.index.setEf(Math.max(hnswDefaults.efSearch, 2 * k));
    for (const query of queries.slice(0, 5)) await loaded.similaritySearchVectorWithScore(query, k);
    const samples: number[] = [];
    const tops: number[][] = [];
    for (const query of queries) {
      const started = performance.now();
      const hits = await loaded.similaritySearchVectorWithScore(query, k);
      samples.push(performance.now() - started);
      tops.push(hits.map(([document]) => document.metadata.position as number));
    }
    return { saveMs, filesMb, loadMs, latency: summarize(samples), overlapAt10: overlapAt10(productTop, tops) };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
