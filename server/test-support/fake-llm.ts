// A real HTTP server on loopback that speaks the OpenAI chat-completions wire format (JSON and SSE), for LLM-path tests.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A chat-completions request as the fake model received it. */
export interface ReceivedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: {
    model?: string;
    stream?: boolean;
    max_tokens?: number;
    messages: { role: string; content: string }[];
    [key: string]: unknown;
  };
  /** Resolves when the exchange ends: the reply was sent in full, or the client closed the connection first. */
  outcome: Promise<'completed' | 'aborted'>;
}

/** What the fake model answers: text pieces (streamed one SSE event each), with an optional pause between them. */
export interface FakeReply {
  pieces: string[];
  pauseMs?: number;
  /** Never answer (until the client gives up). */
  stall?: boolean;
  /** Answer with this HTTP status and an OpenAI-style error body instead. */
  status?: number;
  /** Headers sent with a `status` reply (e.g. `retry-after`). */
  headers?: Record<string, string>;
  /** Send these bytes as they are instead (a recorded transcript, or a hostile body); `pieces` is ignored. */
  raw?: RawReply;
}

/** A response on the wire: status, headers and the body in the pieces it is written in. */
export interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: (string | Uint8Array)[];
}

const transcriptsDir = join(dirname(fileURLToPath(import.meta.url)), 'llm-transcripts');

/**
 * Reads a recorded response (`llm-transcripts/<name>`: status line, headers, blank line, body) into a
 * raw reply. An event stream is written one event at a time, or in `splitEvery`-byte pieces to cut
 * events mid-line and characters mid-UTF-8 sequence, as a slow network does.
 */
export async function readTranscript(name: string, { splitEvery }: { splitEvery?: number } = {}): Promise<RawReply> {
  const text = (await readFile(join(transcriptsDir, name), 'utf8')).replace(/\r\n/g, '\n');
  const headerEnd = text.indexOf('\n\n');
  const [statusLine, ...headerLines] = text.slice(0, headerEnd).split('\n');
  const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  const body = text.slice(headerEnd + 2);
  const events = headers['content-type']?.startsWith('text/event-stream') ? (body.match(/[\s\S]*?\n\n|[\s\S]+$/g) ?? []) : [body];
  const bytes = Buffer.from(body);
  const pieces = splitEvery ? Array.from({ length: Math.ceil(bytes.length / splitEvery) }, (_, i) => bytes.subarray(i * splitEvery, (i + 1) * splitEvery)) : events;
  return { status: Number(statusLine.split(' ')[1]), headers, body: pieces };
}

export interface FakeLlm {
  /** e.g. http://127.0.0.1:PORT/v1 (what LLM_BASE_URL is set to). */
  baseUrl: string;
  requests: ReceivedRequest[];
  /** Requests whose system prompt is the answer prompt (not the follow-up condenser). */
  answerRequests(): ReceivedRequest[];
  close(): Promise<void>;
}

/** Starts the fake model; `reply` decides each answer from the request it received. */
export async function startFakeLlm(reply: (request: ReceivedRequest) => FakeReply): Promise<FakeLlm> {
  const requests: ReceivedRequest[] = [];
  const open = new Set<ServerResponse>();
  const server = createServer(async (incoming, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    let settle!: (outcome: 'completed' | 'aborted') => void;
    const outcome = new Promise<'completed' | 'aborted'>((resolve) => (settle = resolve));
    let finished = false;
    let closedEarly = false;
    response.on('close', () => {
      open.delete(response);
      if (!finished) closedEarly = true;
      settle(finished ? 'completed' : 'aborted');
    });
    open.add(response);
    const request: ReceivedRequest = {
      path: incoming.url ?? '',
      headers: incoming.headers,
      body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'),
      outcome,
    };
    requests.push(request);
    if (!request.path.endsWith('/chat/completions')) {
      finished = true;
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }));
      return;
    }
    const answer = reply(request);
    if (answer.stall) return;
    if (answer.raw) {
      response.writeHead(answer.raw.status, answer.raw.headers);
      for (const piece of answer.raw.body) {
        if (closedEarly) return;
        if (answer.pauseMs) await new Promise((resolve) => setTimeout(resolve, answer.pauseMs));
        if (closedEarly) return;
        // Respect back-pressure, so a client that stops reading is seen to stop (not buffered for).
        if (!response.write(piece)) await new Promise((resolve) => (response.once('drain', resolve), response.once('close', resolve)));
      }
      if (closedEarly) return;
      finished = true;
      response.end();
      return;
    }
    if (answer.status) {
      finished = true;
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(JSON.stringify({ error: { message: 'upstream failure', type: 'server_error' } }));
      return;
    }
    const id = 'chatcmpl-fake';
    const model = request.body.model ?? 'fake-model';
    if (!request.body.stream) {
      finished = true;
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created: 1,
          model,
          choices: [{ index: 0, message: { role: 'assistant', content: answer.pieces.join('') }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
      );
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const event = (delta: Record<string, unknown>, finish: string | null = null) =>
      response.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
    event({ role: 'assistant', content: '' });
    for (const piece of answer.pieces) {
      if (closedEarly) return;
      if (answer.pauseMs) await new Promise((resolve) => setTimeout(resolve, answer.pauseMs));
      if (closedEarly) return;
      event({ content: piece });
    }
    event({}, 'stop');
    finished = true;
    response.end('data: [DONE]\n\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    answerRequests: () => requests.filter((request) => isAnswerRequest(request)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of open) response.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The answer prompt fences clauses; the condenser's prompt does not. */
export function isAnswerRequest(request: ReceivedRequest): boolean {
  return request.body.messages.some((message) => typeof message.content === 'string' && message.content.includes('<clauses>'));
}

/** The user prompt of an answer request (the fenced clauses and the question). */
export function promptOf(request: ReceivedRequest): string {
  return request.body.messages[request.body.messages.length - 1].content;
}

/** The clause texts the prompt fenced, by number. */
export function fencedClauses(request: ReceivedRequest): Map<number, string> {
  const clauses = new Map<number, string>();
  for (const match of promptOf(request).matchAll(/<clause n="(\d+)"[^>]*>\n([\s\S]*?)\n<\/clause>/g)) clauses.set(Number(match[1]), match[2]);
  return clauses;
}
