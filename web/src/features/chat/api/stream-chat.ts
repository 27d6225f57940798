// POST /api/chat with stream: true, reading the SSE events `citations`, `delta`, `done` and `error`.
import { ApiError, readErrorResponse } from '../../../lib/api-error';
import { chatResponseSchema, citationSchema } from '../../../../../server/answer/answer-types';
import { parseSse } from './parse-sse';
import type { ChatRequest, ChatResponse, Citation } from './types';

export interface StreamChatOptions {
  request: ChatRequest;
  /** Aborting it stops the stream; the promise then rejects with the abort reason. */
  signal: AbortSignal;
  onCitations: (citations: Citation[]) => void;
  onDelta: (text: string) => void;
  /** Longest wait for the response headers. */
  connectTimeoutMs?: number;
  /** Longest silence between two chunks of the stream. */
  idleTimeoutMs?: number;
}

/** Streams one answer; resolves with the `done` payload, rejects with ApiError (or the abort reason). */
export async function streamChat({ request, signal, onCitations, onDelta, connectTimeoutMs = 30_000, idleTimeoutMs = 90_000 }: StreamChatOptions): Promise<ChatResponse> {
  const controller = new AbortController();
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const armTimer = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, ms);
  };
  const forwardAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', forwardAbort, { once: true });
  if (signal.aborted) controller.abort(signal.reason);

  const failure = (error: unknown): unknown => {
    if (signal.aborted) return signal.reason ?? error;
    if (timedOut) return new ApiError({ code: 'timeout' });
    if (error instanceof ApiError) return error;
    return new ApiError({ code: 'network' });
  };

  try {
    armTimer(connectTimeoutMs);
    let response: Response;
    try {
      response = await fetch('/api/chat', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
        body: JSON.stringify(request),
        signal: controller.signal,
      });
    } catch (error) {
      throw failure(error);
    }
    if (!response.ok) throw await readErrorResponse(response);

    const contentType = response.headers.get('content-type') ?? '';
    if (!contentType.includes('text/event-stream') || !response.body) {
      // A server that ignored `stream: true` still answers with the same JSON.
      const body = readChatResponse(await response.json().catch(() => null));
      if (!body) throw new ApiError({ code: 'bad_response', status: response.status });
      onCitations(body.citations);
      onDelta(body.answer);
      return body;
    }

    armTimer(idleTimeoutMs);
    try {
      for await (const event of parseSse(response.body)) {
        armTimer(idleTimeoutMs);
        const data = parseJson(event.data);
        if (event.event === 'citations') {
          // Early citations only let markers render while text streams; `done` carries them again.
          const citations = citationList.safeParse((data as { citations?: unknown })?.citations);
          if (citations.success) onCitations(citations.data);
        } else if (event.event === 'delta') {
          const text = (data as { text?: unknown })?.text;
          if (typeof text === 'string') onDelta(text);
        } else if (event.event === 'done') {
          const body = readChatResponse(data);
          if (!body) throw new ApiError({ code: 'bad_response' });
          return body;
        } else if (event.event === 'error') {
          const error = (data as { error?: { code?: unknown; message?: unknown } })?.error;
          throw new ApiError({
            code: typeof error?.code === 'string' ? error.code : 'internal',
            message: typeof error?.message === 'string' ? error.message : undefined,
          });
        }
      }
    } catch (error) {
      throw failure(error);
    }
    throw new ApiError({ code: 'stream_interrupted' });
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', forwardAbort);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const citationList = citationSchema.array();

/**
 * The final answer, checked against the server's own schema; null when it does not match. A malformed
 * extra (the table, notes, verification marks) is dropped rather than costing the reader the answer.
 */
export function readChatResponse(raw: unknown): ChatResponse | null {
  const parsed = chatResponseSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  // For whoever debugs a server and UI that drifted apart; the reader sees a plain message or the bare answer.
  console.warn('POST /api/chat: the answer does not match the ChatResponse schema', parsed.error.issues.slice(0, 5));
  if (!raw || typeof raw !== 'object') return null;
  const core = chatResponseSchema.safeParse({ ...raw, comparison: undefined, notes: undefined, verification: undefined });
  return core.success ? core.data : null;
}
