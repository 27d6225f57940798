// The LLM judge against a loopback server speaking the OpenAI chat-completions wire format.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../server/config';
import { judgeRun, parseJudgement } from './llm-judge';
import type { ItemScores } from './metrics';
import type { EvalItem } from './load-dataset';
import { aggregateRun, answerRows, localized, reportFormat, type EvalRun } from './run-evaluation';

let server: Server;
let baseUrl: string;
const prompts: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const { messages } = JSON.parse(body) as { messages: { content: string }[] };
      prompts.push(messages[messages.length - 1].content);
      const content = prompts.length === 1 ? '评分如下：{"correctness": 2, "groundedness": 1, "reason": "基本正确"}' : '无法评分';
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ id: 'c1', object: 'chat.completion', created: 0, model: 'judge', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function oneQuestionRun(): EvalRun {
  const scores: ItemScores = { type: 'factual', answerable: true, answered: true, allFacts: true, factShare: 1, citationsCorrect: 1, citations: 1, sentencesSupported: 1, sentences: 1, latencyMs: 5 };
  const result = {
    retrievalQuery: '补助多少？',
    retrieved: [],
    answer: { answer: '每人补助1500元。[1]', answered: true, citations: [{ n: 1, chunkId: 'n:0', documentId: 'n', title: '《通知》', section: [], quote: '每人补助1500元。', start: 0, end: 9 }] },
    scores,
    missingFacts: [],
    unsupported: [],
  };
  const item: EvalItem = { id: 'q1', type: 'factual', split: 'dev', mode: 'answer', question: '补助多少？', history: [], answerable: true, documents: ['n'], evidence: [{ document: 'n', quote: '每人补助1500元' }], superseded: [], facts: ['1500元'] };
  const run = {
    format: reportFormat, split: 'all' as const, dataset: 'test', target: 'test', k: 10, startedAt: '', durationMs: 0, dense: false, answerModel: 'extractive', skipped: [], notes: [], types: ['factual'],
    systems: [{ id: 'product' as const, label: localized('Product'), retrieval: localized(''), answers: localized('') }],
    rows: answerRows([{ id: 'product' }]),
    fair: { maxChars: 200, source: 'default' as const, thresholds: {} },
    items: [
      { item, evidence: [{ documentId: 'n', quote: '每人补助1500元', start: 0, end: 8, title: '《通知》', section: [] }], groups: [0], superseded: [], results: { product: result } },
      { item: { ...item, id: 'q2' }, evidence: [], groups: [], superseded: [], results: { product: structuredClone(result) } },
    ],
  };
  return { ...run, ...aggregateRun(run) };
}

describe('LLM judge', () => {
  it('reads grades from a reply and scales them to 0–1', () => {
    expect(parseJudgement('{"correctness": 1, "groundedness": 2}')).toEqual({ correctness: 0.5, groundedness: 1, reason: '' });
    expect(parseJudgement('{"correctness": 3, "groundedness": 2}')).toBeUndefined();
    expect(parseJudgement('no json')).toBeUndefined();
  });

  it('is skipped with a note when no LLM is configured', async () => {
    expect(await judgeRun({ run: oneQuestionRun(), config: parseConfig({}) })).toMatch(/skipped: LLM_BASE_URL is not set/);
  });

  it('grades answers through the endpoint and counts replies it cannot read as failures', async () => {
    const run = oneQuestionRun();
    const note = await judgeRun({ run, config: parseConfig({ LLM_BASE_URL: baseUrl, LLM_MODEL: 'judge' }) });
    expect(prompts[0]).toContain('每人补助1500元。[1]');
    expect(prompts[0]).toContain('关键事实：1500元');
    expect(run.items[0].results.product!.scores.judge).toEqual({ correctness: 1, groundedness: 0.5 });
    expect(run.overall.product!.judgeCorrectness).toBe(1);
    expect(note).toMatch(/graded 1 product answers; 1 failed/);
  });
});
