// Eval datasets: reads a policy-qa JSONL file or a held-out JSONL file into one item shape.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/** Which part of a set an item belongs to: failures may be read on `dev`, only aggregates on `test`. */
export type Split = 'dev' | 'test';
export const splits: readonly Split[] = ['dev', 'test'];

/** How the product is asked: a plain answer, or the summary mode the UI offers. */
export type AnswerMode = 'answer' | 'summary';

/** A verbatim span of a document. */
export interface EvidenceQuote {
  document: string;
  quote: string;
}

/** One question to evaluate; held-out lines become type "heldout" (unless typed) with their answer as the evidence quote. */
export interface EvalItem {
  id: string;
  type: string;
  /** `dev` when the line does not say. */
  split: Split;
  /** From the line, else by type: `summary` questions are asked in summary mode. */
  mode: AnswerMode;
  question: string;
  /** Earlier turns of the conversation (follow-up questions); the question is the next user turn. */
  history: { role: 'user' | 'assistant'; content: string }[];
  /** False for questions the corpus does not answer: the right response is a refusal. */
  answerable: boolean;
  /** Ids of the documents holding the answer (for a one-document question, any of them is right). */
  documents: string[];
  /** Verbatim spans of the answering documents. */
  evidence: EvidenceQuote[];
  /** Verbatim spans of older versions that said something else on the point (version questions). */
  superseded: EvidenceQuote[];
  /** Key substrings a correct answer must contain. */
  facts: string[];
}

const turn = z.object({ role: z.enum(['user', 'assistant']), content: z.string() });
const quote = z.object({ document: z.string().min(1), quote: z.string().min(1) });
const common = {
  id: z.string().min(1),
  split: z.enum(['dev', 'test']).optional(),
  mode: z.enum(['answer', 'summary']).optional(),
  superseded: z.array(quote).default([]),
};

const policyQaLine = z.object({
  ...common,
  type: z.string().min(1),
  question: z.string().min(1),
  history: z.array(turn).default([]),
  answerable: z.boolean(),
  documents: z.array(z.string()).default([]),
  evidence: z.array(quote).default([]),
  facts: z.array(z.string()).default([]),
});

const heldoutLine = z.object({
  ...common,
  type: z.string().min(1).optional(),
  question: z.string().min(1),
  document: z.string().min(1),
  answer: z.string().min(1),
  facts: z.array(z.string()).default([]),
});

/** The mode an item is asked in when its line does not say. */
export function defaultMode(type: string): AnswerMode {
  return type === 'summary' ? 'summary' : 'answer';
}

/** Parses one JSONL line in either format; throws with the line number on anything else. */
export function parseDatasetLine(line: string, lineNumber: number): EvalItem {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (error) {
    throw new Error(`line ${lineNumber}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const record = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  // A held-out line names one document and its answer instead of evidence quotes.
  if ('answer' in record && 'document' in record && !('evidence' in record)) {
    const heldout = heldoutLine.safeParse(raw);
    if (!heldout.success) throw new Error(`line ${lineNumber}: not a valid held-out item (${describeIssues(heldout.error)})`);
    const { id, type = 'heldout', split = 'dev', mode, superseded, question, document, answer, facts } = heldout.data;
    return { id, type, split, mode: mode ?? defaultMode(type), question, history: [], answerable: true, documents: [document], evidence: [{ document, quote: answer }], superseded, facts };
  }
  const item = policyQaLine.safeParse(raw);
  if (!item.success) throw new Error(`line ${lineNumber}: neither a policy-qa item nor a held-out item (${describeIssues(item.error)})`);
  const { split = 'dev', mode, ...rest } = item.data;
  return { ...rest, split, mode: mode ?? defaultMode(rest.type) };
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'line'}: ${issue.message}`).join('; ');
}

/** Reads a dataset file; blank lines are skipped, ids must be unique. */
export async function loadDataset(path: string): Promise<EvalItem[]> {
  const items = parseDataset(await readFile(path, 'utf8'), path);
  if (items.length === 0) throw new Error(`${path} holds no questions`);
  return items;
}

/** Parses a whole JSONL text (blank lines skipped); throws on the first bad line or repeated id. */
export function parseDataset(text: string, path: string): EvalItem[] {
  const items: EvalItem[] = [];
  const seen = new Set<string>();
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let item: EvalItem;
    try {
      item = parseDatasetLine(line, i + 1);
    } catch (error) {
      throw new Error(`${path} ${error instanceof Error ? error.message : String(error)}`);
    }
    if (seen.has(item.id)) throw new Error(`${path} line ${i + 1}: id ${item.id} appears twice`);
    seen.add(item.id);
    items.push(item);
  });
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
