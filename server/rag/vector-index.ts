// Dense index: hnswlib (cosine) over chunk vectors, behind LangChain's VectorStore interface. Labels are
// chunk positions; the vectors live only in the hnswlib file (no second copy), and the documents a
// search returns are made from the index's chunk table, so chunk text is stored once.
import { Document, type DocumentInterface } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { SaveableVectorStore } from '@langchain/core/vectorstores';
import hnswlib from 'hnswlib-node';
import { join } from 'node:path';
import type { Chunk } from './types.js';

const { HierarchicalNSW } = hnswlib;
type Hnsw = InstanceType<typeof HierarchicalNSW>;

/** HNSW build and search parameters; ef is raised with k so recall stays high at large sizes. */
export const hnswDefaults = { m: 16, efConstruction: 100, efSearch: 96, seed: 42 };

/** The file a saved index is written to inside its folder. */
export const vectorFileName = 'vectors.hnsw';

/** Restricts a search to some chunk positions. */
export type ChunkFilter = (position: number) => boolean;

/** Metadata of the documents a search returns. */
export interface ChunkVectorMetadata {
  chunkId?: string;
  documentId?: string;
  /** Chunk position in the index (the hnswlib label). */
  position: number;
}

/** Stands in when no embedding model is loaded: searching by vector still works, by text does not. */
class NoEmbeddings implements EmbeddingsInterface {
  async embedDocuments(): Promise<number[][]> {
    throw new Error('no embedding model is loaded for this index');
  }
  async embedQuery(): Promise<number[]> {
    throw new Error('no embedding model is loaded for this index');
  }
}

export class VectorIndex extends SaveableVectorStore {
  declare FilterType: ChunkFilter;
  private readonly index: Hnsw;
  readonly dimensions: number;
  /** Chunks by position, to turn hits into documents (set when the index is opened with its chunks). */
  private chunks?: Chunk[];
  /** Documents added through addVectors/addDocuments without a chunk table, by position. */
  private readonly added: DocumentInterface[] = [];

  private constructor({ index, dimensions, embeddings, chunks }: { index: Hnsw; dimensions: number; embeddings?: EmbeddingsInterface; chunks?: Chunk[] }) {
    super(embeddings ?? new NoEmbeddings(), {});
    this.index = index;
    this.dimensions = dimensions;
    this.chunks = chunks;
  }

  _vectorstoreType(): string {
    return 'hnswlib-chunks';
  }

  get size(): number {
    return this.index.getCurrentCount();
  }

  /** Builds an index over `vectors` (row i gets label i). */
  static build(vectors: ArrayLike<number>[], dimensions: number, { embeddings, chunks }: { embeddings?: EmbeddingsInterface; chunks?: Chunk[] } = {}): VectorIndex {
    const index = new HierarchicalNSW('cosine', dimensions);
    index.initIndex({ maxElements: Math.max(1, vectors.length), m: hnswDefaults.m, efConstruction: hnswDefaults.efConstruction, randomSeed: hnswDefaults.seed });
    vectors.forEach((vector, label) => index.addPoint(Array.from(vector), label));
    index.setEf(hnswDefaults.efSearch);
    return new VectorIndex({ index, dimensions, embeddings, chunks });
  }

  /** Opens a saved index file; `chunks` (by position) make the documents searches return. */
  static async read(path: string, dimensions: number, { embeddings, chunks }: { embeddings?: EmbeddingsInterface; chunks?: Chunk[] } = {}): Promise<VectorIndex> {
    const index = new HierarchicalNSW('cosine', dimensions);
    await index.readIndex(path);
    index.setEf(hnswDefaults.efSearch);
    return new VectorIndex({ index, dimensions, embeddings, chunks });
  }

  /** Writes the index to `vectors.hnsw` in `directory` (the folder must exist). */
  async save(directory: string): Promise<void> {
    await this.write(join(directory, vectorFileName));
  }

  async write(path: string): Promise<void> {
    await this.index.writeIndex(path);
  }

  /** Attaches the chunk table (by position) and the query embedder of the index this store belongs to. */
  attach({ chunks, embeddings }: { chunks?: Chunk[]; embeddings?: EmbeddingsInterface }): void {
    if (chunks) this.chunks = chunks;
    if (embeddings) this.embeddings = embeddings;
  }

  /** The stored (unit-length) vector of a chunk position. */
  vector(position: number): number[] {
    return this.index.getPoint(position);
  }

  /** Nearest chunks by cosine similarity (score = 1 − distance), best first. */
  search(query: number[], { k, allowed }: { k: number; allowed?: Set<number> | ChunkFilter }): { doc: number; score: number }[] {
    const size = this.size;
    if (size === 0) return [];
    const n = Math.min(k, allowed instanceof Set ? allowed.size : size, size);
    if (n <= 0) return [];
    this.index.setEf(Math.max(hnswDefaults.efSearch, n * 2));
    const filter = allowed instanceof Set ? (label: number) => allowed.has(label) : allowed;
    const { neighbors, distances } = filter ? this.index.searchKnn(query, n, filter) : this.index.searchKnn(query, n);
    return neighbors.map((doc, i) => ({ doc, score: 1 - distances[i] }));
  }

  /** LangChain's search by vector: documents made from the chunk table, scored by cosine similarity. */
  async similaritySearchVectorWithScore(query: number[], k: number, filter?: ChunkFilter): Promise<[DocumentInterface<ChunkVectorMetadata>, number][]> {
    if (query.length !== this.dimensions) throw new Error(`query vector has ${query.length} dimensions, the index ${this.dimensions}`);
    return this.search(query, { k, allowed: filter }).map(({ doc, score }) => [this.documentAt(doc), score]);
  }

  /** Adds vectors with labels after the current ones (hnswlib grows as needed). */
  async addVectors(vectors: number[][], documents: DocumentInterface[]): Promise<string[]> {
    if (vectors.length !== documents.length) throw new Error('addVectors needs one document per vector');
    const start = this.size;
    if (start + vectors.length > this.index.getMaxElements()) this.index.resizeIndex(start + vectors.length);
    vectors.forEach((vector, i) => {
      if (vector.length !== this.dimensions) throw new Error(`vector has ${vector.length} dimensions, the index ${this.dimensions}`);
      this.index.addPoint(vector, start + i);
      this.added[start + i] = documents[i];
    });
    return documents.map((document, i) => document.id ?? String(start + i));
  }

  async addDocuments(documents: DocumentInterface[]): Promise<string[]> {
    return this.addVectors(await this.embeddings.embedDocuments(documents.map((document) => document.pageContent)), documents);
  }

  private documentAt(position: number): DocumentInterface<ChunkVectorMetadata> {
    const chunk = this.chunks?.[position];
    if (chunk) return new Document({ pageContent: chunk.text, metadata: { chunkId: chunk.id, documentId: chunk.documentId, position }, id: chunk.id });
    const added = this.added[position];
    return new Document({ pageContent: added?.pageContent ?? '', metadata: { ...added?.metadata, position }, id: added?.id });
  }
}
