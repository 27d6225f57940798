// The LLM answer path over recorded wire transcripts of DeepSeek, vLLM and Ollama (JSON and SSE), replayed by the loopback fake server.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PolicyIndex } from '../rag/policy-index';
import type { RagService } from '../rag/rag-service';
import type { PolicyDocument, SearchResult } from '../rag/types';
import { testConfig } from '../test-support/corpus';
import { isAnswerRequest, readTranscript, startFakeLlm, type FakeLlm, type FakeReply, type ReceivedRequest } from '../test-support/fake-llm';
import type { AnswerEvent } from './answer-question';
import { condenseWithLlm, generateLlmAnswer } from './llm-answer';

const yunnanSource = 'https://www.yn.gov.cn/zwgk/zcwj/202101/t20210113_215.html';
const clauses: SearchResult[] = [
  clause('yunnan', '到2025年，滇中城市群常住人口城镇化率达到65%左右。', 0),
  clause('yunnan', '建设高速公路100公里，新增铁路里程80公里。', 30),
  clause('fund', '设立区域协调发展专项资金5亿元，由省财政厅管理。', 0),
];
const documents = new Map<string, Partial<PolicyDocument>>([
  ['yunnan', { id: 'yunnan', text: clauses[0].text + clauses[1].text, source: yunnanSource }],
  ['fund', { id: 'fund', text: clauses[2].text }],
]);
const question = '城镇化率和专项资金分别是多少？';

/**
 * Request fields every one of the three servers documents as accepted (DeepSeek's chat completion
 * parameters, Ollama's supported /v1 request fields, vLLM's OpenAI-compatible parameters).
 */
const documentedFields = new Set(['model', 'messages', 'stream', 'stream_options', 'max_tokens', 'temperature', 'top_p', 'stop', 'frequency_penalty', 'presence_penalty']);

let llm: FakeLlm;
let replies: FakeReply[];
const service = () =>
  ({
    config: testConfig({ LLM_BASE_URL: llm.baseUrl, LLM_MODEL: 'replayed-model', LLM_API_KEY: 'sk-transcript', LLM_MAX_RETRIES: '2' }),
    index: { document: (id: string) => documents.get(id) } as unknown as PolicyIndex,
  }) satisfies Pick<RagService, 'config' | 'index'>;

beforeAll(async () => {
  llm = await startFakeLlm(() => replies.shift() ?? { status: 500, pieces: [] });
});

afterAll(async () => {
  await llm?.close();
});

beforeEach(() => {
  llm.requests.length = 0;
  replies = [];
});

async function answerWith(...transcripts: FakeReply[]) {
  replies = transcripts;
  const events: AnswerEvent[] = [];
  const messages = [{ role: 'user' as const, content: question }];
  const result = await generateLlmAnswer({ service: service(), messages, results: clauses, mode: 'answer', onEvent: (event) => events.push(event) });
  const deltas = events.filter((event) => event.type === 'delta').map((event) => (event as { text: string }).text);
  return { ...result, deltas };
}

const replay = async (name: string, splitEvery?: number): Promise<FakeReply> => ({ pieces: [], raw: await readTranscript(name, { splitEvery }) });

function expectDocumentedRequest(request: ReceivedRequest) {
  expect(request.path).toBe('/v1/chat/completions');
  expect(request.headers['content-type']).toMatch(/^application\/json/);
  expect(request.headers.authorization).toBe('Bearer sk-transcript');
  expect(Object.keys(request.body).filter((key) => !documentedFields.has(key))).toEqual([]);
  for (const message of request.body.messages) {
    expect(['system', 'user', 'assistant']).toContain(message.role);
    expect(typeof message.content).toBe('string');
  }
}

describe.each([undefined, 7])('streamed transcripts (written %s bytes at a time; undefined = one event per write)', (splitEvery) => {
  it.each([
    ['deepseek-chat.stream.http', '滇中城市群常住人口城镇化率到2025年达到65%左右[1]。专项资金为5亿元，由省财政厅管理[3]。', []],
    ['deepseek-reasoner.stream.http', '城镇化率到2025年达到65%左右，专项资金为5亿元[1][3]。', []],
    ['vllm-qwen3-think-in-content.stream.http', '城镇化率达到65%左右[1]。专项资金5亿元[3]。', [7]],
    ['vllm-r1-reasoning-parser.stream.http', '根据条款，城镇化率到2025年达到65%左右[1]，专项资金5亿元[3]。', []],
    ['vllm-r1-no-open-tag.stream.http', '城镇化率达到65%左右[1]。', []],
  ])('%s: the answer without reasoning, markers normalised and checked before streaming, every sentence supported', async (name, expected, dropped) => {
    const result = await answerWith(await replay(name, splitEvery));
    expect(result.answer).toBe(expected);
    expect(result.deltas.join('')).toBe(result.answer);
    for (const delta of result.deltas) expect(delta).not.toMatch(/think|用户|条款1|\[7\]|\[2\]|［|【/);
    expect(result.verification).toMatchObject({ unsupported: 0, droppedMarkers: dropped });
    expect(result.answered).toBe(true);
    expectDocumentedRequest(llm.requests[0]);
    expect(llm.requests[0].body).toMatchObject({ stream: true, model: 'replayed-model' });
  });

  it('ollama-qwen3.stream.http: thinking stripped, a link the documents hold kept, another shown as text', async () => {
    const result = await answerWith(await replay('ollama-qwen3.stream.http', splitEvery));
    expect(result.answer).toBe(`城镇化率达到65%左右[1]。专项资金为5亿元[3]。详见省政府网站，原文见[通知原文](${yunnanSource})[1]。`);
    expect(result.deltas.join('')).toBe(result.answer);
    expect(result.deltas.join('')).not.toContain('yn-gov.example.net');
  });
});

describe('non-streamed transcripts (the follow-up condenser)', () => {
  const condense = async (reply: FakeReply) => {
    replies = [reply];
    return condenseWithLlm({
      config: service().config,
      messages: [
        { role: 'user', content: '云南到2025年有哪些发展目标？' },
        { role: 'assistant', content: '到2025年，云南要基本形成新的发展布局[1]。' },
        { role: 'user', content: '其中城镇化率要达到多少？' },
      ],
    });
  };

  it('reads DeepSeek JSON preceded by keep-alive blank lines', async () => {
    expect(await condense(await replay('deepseek-chat.json.http'))).toBe('滇中城市群常住人口城镇化率到2025年要达到多少？');
    expectDocumentedRequest(llm.requests[0]);
    expect(llm.requests[0].body.stream).toBeFalsy();
  });

  it('strips the thinking an Ollama qwen3 puts in the content', async () => {
    expect(await condense(await replay('ollama-qwen3.json.http'))).toBe('滇中城市群常住人口城镇化率到2025年要达到多少？');
  });
});

describe('error transcripts', () => {
  it('retries DeepSeek 429 and 503 bodies, then answers from the stream that follows', async () => {
    const result = await answerWith(await replay('deepseek-429.http'), await replay('deepseek-503.http'), await replay('deepseek-chat.stream.http'));
    expect(result.answer).toContain('65%');
    expect(llm.requests.filter(isAnswerRequest)).toHaveLength(3);
  });

  it('gives up with llm_unavailable after LLM_MAX_RETRIES retries of an overloaded server', async () => {
    const overloaded = await replay('deepseek-503.http');
    await expect(answerWith(overloaded, overloaded, overloaded, overloaded)).rejects.toMatchObject({ code: 'llm_unavailable' });
    expect(llm.requests).toHaveLength(3);
  });
});

function clause(documentId: string, text: string, start: number): SearchResult {
  return { chunkId: `${documentId}:${start}`, documentId, title: `《${documentId}》`, section: [], text, score: 1, start, end: start + text.length };
}
