// POST /api/chat: cited answers as JSON or as an SSE stream (citations, delta, done, error).
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { answerQuestion } from '../answer/answer-question.js';
import { AppError } from '../errors.js';
import type { RagService } from '../rag/rag-service.js';
import { chatRequest } from './schemas.js';
import { validateJson } from './validate.js';
import { toAppError } from './to-app-error.js';

export function chatRoutes(service: RagService, log: (error: unknown) => void) {
  return new Hono().post('/', validateJson(chatRequest), async (c) => {
    const { messages, mode, documents, stream } = c.req.valid('json');
    const unknown = documents?.find((id) => !service.index.document(id));
    if (unknown) throw new AppError('not_found:document', `No document with id "${unknown.slice(0, 100)}".`);
    const wantsStream = stream || (c.req.header('accept') ?? '').includes('text/event-stream');
    if (!wantsStream) {
      return c.json(await answerQuestion(service, { messages, mode, documents, signal: c.req.raw.signal }));
    }
    return streamSSE(c, async (sse) => {
      const controller = new AbortController();
      sse.onAbort(() => controller.abort());
      c.req.raw.signal.addEventListener('abort', () => controller.abort());
      let queue = Promise.resolve();
      const send = (event: string, data: unknown) => {
        queue = queue.then(() => (controller.signal.aborted ? undefined : sse.writeSSE({ event, data: JSON.stringify(data) })));
      };
      try {
        await answerQuestion(service, {
          messages,
          mode,
          documents,
          signal: controller.signal,
          onEvent: (event) => {
            if (event.type === 'citations') send('citations', { citations: event.citations });
            else if (event.type === 'delta') send('delta', { text: event.text });
            else send('done', event.response);
          },
        });
      } catch (error) {
        if (controller.signal.aborted) return;
        const appError = toAppError(error);
        if (appError.status >= 500) log(error);
        send('error', appError.toJSON());
      }
      await queue;
    });
  });
}
