// Eval datasets: reads a policy-qa JSONL file or a held-out JSONL file into one item shape.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/** One question to evaluate; held-out lines become type "heldout" with their answer as the evidence quote. */
export interface EvalItem {
  id: string;
  type: string;
  question: string;
  /** Earlier turns of the conversation (follow-up questions); the question is the next user turn. */
  history: { role: 'user' | 'assistant'; content: string }[];
  /** False for questions the corpus does not answer: the right response is a refusal. */
  answerable: boolean;
  /** Ids of the documents holding the answer. */
  documents: string[];
  /** Verbatim spans of the answering documents. */
  evidence: { document: string; quote: string }[];
  /** Key substrings a correct answer must contain. */
  facts: string[];
}

const turn = z.object({ role: z.enum(['user', 'assistant']), content: z.string() });

const policyQaLine = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  question: z.string().min(1),
  history: z.array(turn).default([]),
  answerable: z.boolean(),
  documents: z.array(z.string()).default([]),
  evidence: z.array(z.object({ document: z.string().min(1), quote: z.string().min(1) })).default([]),
  facts: z.array(z.string()).default([]),
});

const heldoutLine = z.object({
  id: z.string().min(1),
  question: z.string().min(1),
  document: z.string().min(1),
  answer: z.string().min(1),
  facts: z.array(z.string()).default([]),
});

/** Parses one JSONL line in either format; throws with the line number on anything else. */
export function parseDatasetLine(line: string, lineNumber: number): EvalItem {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (error) {
    throw new Error(`line ${lineNumber}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const heldout = heldoutLine.safeParse(raw);
  if (heldout.success && !(raw as Record<string, unknown>).type) {
    const { id, question, document, answer, facts } = heldout.data;
    return { id, type: 'heldout', question, history: [], answerable: true, documents: [document], evidence: [{ document, quote: answer }], facts };
  }
  const item = policyQaLine.safeParse(raw);
  if (!item.success) {
    const problems = item.error.issues.map((issue) => `${issue.path.join('.') || 'line'}: ${issue.message}`).join('; ');
    throw new Error(`line ${lineNumber}: neither a policy-qa item nor a held-out item (${problems})`);
  }
  return item.data;
}

/** Reads a dataset file; blank lines are skipped, ids must be unique. */
export async function loadDataset(path: string): Promise<EvalItem[]> {
  const lines = (await readFile(path, 'utf8')).split('\n');
  const items: EvalItem[] = [];
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const item = parseDatasetLine(line, i + 1);
    if (seen.has(item.id)) throw new Error(`${path} line ${i + 1}: id ${item.id} appears twice`);
    seen.add(item.id);
    items.push(item);
  });
  if (items.length === 0) throw new Error(`${path} holds no questions`);
  return items;
}

/** The conversation sent to a chat system: history, then the question as the last user turn. */
export function itemMessages(item: EvalItem): { role: 'user' | 'assistant'; content: string }[] {
  return [...item.history, { role: 'user', content: item.question }];
}

/** A plain retrieval query for systems without a follow-up condenser: every user turn, joined. */
export function naiveRetrievalQuery(item: EvalItem): string {
  return [...item.history.filter((message) => message.role === 'user').map((message) => message.content), item.question].join(' ');
}
