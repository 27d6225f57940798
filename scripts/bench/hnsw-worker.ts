// Worker thread: builds HNSW indexes with the product's VectorIndex.build and writes them to disk, so the
// slow 100k build overlaps the benchmark's tokenising on the other core.
import { parentPort, workerData } from 'node:worker_threads';
import { hnswDefaults, VectorIndex } from '../../server/rag/vector-index.js';

export interface HnswBuildJob {
  size: number;
  path: string;
  parameters: { m: number; efConstruction: number };
}

export interface HnswBuildDone extends HnswBuildJob {
  buildMs: number;
}

const { shared, dimensions, jobs } = workerData as { shared: SharedArrayBuffer; dimensions: number; jobs: HnswBuildJob[] };
const flat = new Float32Array(shared);
const defaults = { ...hnswDefaults };
for (const job of jobs) {
  Object.assign(hnswDefaults, defaults, job.parameters);
  const vectors = Array.from({ length: job.size }, (_, i) => flat.subarray(i * dimensions, (i + 1) * dimensions));
  const started = performance.now();
  const index = VectorIndex.build(vectors, dimensions);
  const buildMs = performance.now() - started;
  await index.write(job.path);
  parentPort!.postMessage({ ...job, buildMs } satisfies HnswBuildDone);
}
