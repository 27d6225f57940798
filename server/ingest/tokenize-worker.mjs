// A tokenizing worker: the same Analyzer (vocabulary and corpus words) as the thread that sent the texts,
// so its tokens equal that thread's own. Node loads worker scripts without the TypeScript loader that tsx
// or vitest put in front of the rest of the code, so this file registers tsx before importing the analyzer.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { Analyzer } = await import('../rag/analyzer.ts');
const analyzer = new Analyzer({ vocabulary: workerData.vocabulary, corpusWords: workerData.corpusWords });

parentPort.on('message', (/** @type {{ id: number, texts: string[] }} */ { id, texts }) => {
  // Each text's tokens joined with \u0001 (never inside a token): one string per text to copy back.
  parentPort.postMessage({ id, tokens: texts.map((text) => analyzer.tokenize(text).join('\u0001')) });
});
