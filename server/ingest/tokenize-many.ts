// Tokenizing a whole corpus: jieba's cut is most of ingestion's CPU time, so large corpora are cut on
// worker threads (one per core), which also leaves the event loop free to answer during a re-index.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Analyzer } from '../rag/analyzer.js';

/** Below this many characters, starting workers (about 0.5 s each: the TypeScript loader and jieba's dictionary) costs more than it saves. */
const minParallelChars = 400_000;
/** Texts per message: small enough to spread the work evenly, large enough to keep messages few. */
const batchChars = 60_000;

export interface TokenizeManyOptions {
  /** Worker threads to use (default: one per core, at most 4); 0 cuts on the calling thread. */
  threads?: number;
  onProgress?: (done: number, total: number) => void;
  /** Called as texts from..to-1 get their tokens (ranges arrive in any order, each once). */
  onTokenized?: (tokens: readonly string[][], from: number, to: number) => void;
}

/** Every text's tokens, exactly as `analyzer.tokenize` gives them, in order. */
export async function tokenizeMany(analyzer: Analyzer, texts: readonly string[], { threads, onProgress = () => {}, onTokenized = () => {} }: TokenizeManyOptions = {}): Promise<string[][]> {
  const totalChars = texts.reduce((sum, text) => sum + text.length, 0);
  const workers = threads ?? (totalChars < minParallelChars ? 0 : Math.min(4, availableParallelism()));
  const tokens: string[][] = new Array(texts.length);
  if (workers <= 0) {
    for (let from = 0; from < texts.length; from += 2000) {
      const to = Math.min(texts.length, from + 2000);
      for (let i = from; i < to; i++) tokens[i] = analyzer.tokenize(texts[i]);
      onProgress(to, texts.length);
      onTokenized(tokens, from, to);
    }
    return tokens;
  }
  // Contiguous ranges of about batchChars characters.
  const batches: { from: number; to: number }[] = [];
  let from = 0;
  let chars = 0;
  texts.forEach((text, i) => {
    chars += text.length;
    if (chars >= batchChars || i === texts.length - 1) {
      batches.push({ from, to: i + 1 });
      from = i + 1;
      chars = 0;
    }
  });

  let done = 0;
  const pool = Array.from({ length: Math.min(workers, batches.length) }, () => new Worker(new URL('./tokenize-worker.mjs', import.meta.url), { workerData: { vocabulary: analyzer.vocabulary, corpusWords: analyzer.corpusWords } }));
  try {
    let next = 0;
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const send = () => {
              if (next >= batches.length) return resolve();
              const id = next++;
              worker.postMessage({ id, texts: texts.slice(batches[id].from, batches[id].to) });
            };
            worker.on('message', ({ id, tokens: joined }: { id: number; tokens: string[] }) => {
              const { from, to } = batches[id];
              for (let i = from; i < to; i++) tokens[i] = joined[i - from].length > 0 ? joined[i - from].split('\u0001') : [];
              // The next batch goes out before this one's tokens are used, so the worker is never idle.
              send();
              done += to - from;
              onProgress(done, texts.length);
              try {
                onTokenized(tokens, from, to);
              } catch (error) {
                reject(error);
              }
            });
            worker.on('error', reject);
            worker.on('exit', (code) => (next < batches.length || code !== 0 ? reject(new Error(`a tokenizing worker exited (code ${code})`)) : undefined));
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((worker) => worker.terminate()));
  }
  return tokens;
}
