// Runs HNSW builds in a worker thread and reports each as it finishes.
import { Worker } from 'node:worker_threads';
import type { HnswBuildDone, HnswBuildJob } from './hnsw-worker.js';

export interface HnswBuilds {
  /** Resolves when the build of `size` with these parameters is on disk. */
  done(size: number, parameters: { m: number; efConstruction: number }): Promise<HnswBuildDone>;
  finished: Promise<void>;
}

/** Starts the builds (in order) over the first `job.size` vectors of `flat`. */
export function startHnswBuilds({ flat, dimensions, jobs }: { flat: Float32Array; dimensions: number; jobs: HnswBuildJob[] }): HnswBuilds {
  const shared = new SharedArrayBuffer(flat.byteLength);
  new Float32Array(shared).set(flat);
  // Worker threads do not inherit tsx's loader hooks: register them, then load the TypeScript worker.
  const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./hnsw-worker.ts', import.meta.url).href)}); });`;
  const worker = new Worker(bootstrap, { eval: true, workerData: { shared, dimensions, jobs } });
  const waiting = new Map<string, { resolve: (done: HnswBuildDone) => void; reject: (error: Error) => void; promise: Promise<HnswBuildDone> }>();
  const key = (size: number, { m, efConstruction }: { m: number; efConstruction: number }) => `${size}/${m}/${efConstruction}`;
  for (const job of jobs) {
    let resolve!: (done: HnswBuildDone) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<HnswBuildDone>((res, rej) => ([resolve, reject] = [res, rej]));
    promise.catch(() => {});
    waiting.set(key(job.size, job.parameters), { resolve, reject, promise });
  }
  const finished = new Promise<void>((resolve, reject) => {
    worker.on('message', (done: HnswBuildDone) => waiting.get(key(done.size, done.parameters))?.resolve(done));
    worker.on('error', (error: Error) => {
      for (const entry of waiting.values()) entry.reject(error);
      reject(error);
    });
    worker.on('exit', () => resolve());
  });
  return {
    done: (size, parameters) => waiting.get(key(size, parameters))?.promise ?? Promise.reject(new Error(`no HNSW build of ${size} with m ${parameters.m}, efConstruction ${parameters.efConstruction}`)),
    finished,
  };
}
