// Benchmark queries: the questions of the eval set, as users asked them.
import { readFile } from 'node:fs/promises';

export interface BenchQuestion {
  id: string;
  type: string;
  question: string;
  history: { role: 'user' | 'assistant'; content: string }[];
  evidence: { document: string; quote: string }[];
}

export async function loadQuestions(path: string): Promise<BenchQuestion[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as BenchQuestion)
    .map(({ id, type, question, history = [], evidence = [] }) => ({ id, type, question, history, evidence }));
}
