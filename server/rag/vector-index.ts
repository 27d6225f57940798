// Dense index: hnswlib (cosine) over chunk vectors; labels are chunk positions in the index.
import hnswlib from 'hnswlib-node';

const { HierarchicalNSW } = hnswlib;
type Hnsw = InstanceType<typeof HierarchicalNSW>;

/** HNSW build and search parameters; ef is raised with k so recall stays high at large sizes. */
export const hnswDefaults = { m: 16, efConstruction: 100, efSearch: 96, seed: 42 };

export class VectorIndex {
  private constructor(
    private readonly index: Hnsw,
    readonly dimensions: number,
    readonly size: number,
  ) {}

  /** Builds an index over `vectors` (row i gets label i). */
  static build(vectors: ArrayLike<number>[], dimensions: number): VectorIndex {
    const index = new HierarchicalNSW('cosine', dimensions);
    index.initIndex({ maxElements: Math.max(1, vectors.length), m: hnswDefaults.m, efConstruction: hnswDefaults.efConstruction, randomSeed: hnswDefaults.seed });
    vectors.forEach((vector, label) => index.addPoint(Array.from(vector), label));
    index.setEf(hnswDefaults.efSearch);
    return new VectorIndex(index, dimensions, vectors.length);
  }

  static async read(path: string, dimensions: number, size: number): Promise<VectorIndex> {
    const index = new HierarchicalNSW('cosine', dimensions);
    await index.readIndex(path);
    index.setEf(hnswDefaults.efSearch);
    return new VectorIndex(index, dimensions, size);
  }

  async write(path: string): Promise<void> {
    await this.index.writeIndex(path);
  }

  /** Nearest chunks by cosine similarity (score = 1 − distance), best first. */
  search(query: number[], { k, allowed }: { k: number; allowed?: Set<number> }): { doc: number; score: number }[] {
    if (this.size === 0) return [];
    const n = Math.min(k, allowed ? allowed.size : this.size, this.size);
    if (n <= 0) return [];
    this.index.setEf(Math.max(hnswDefaults.efSearch, n * 2));
    const { neighbors, distances } = allowed ? this.index.searchKnn(query, n, (label) => allowed.has(label)) : this.index.searchKnn(query, n);
    return neighbors.map((doc, i) => ({ doc, score: 1 - distances[i] }));
  }
}
