// OpenAI-compatible endpoints: POST /v1/chat/completions (JSON and SSE) and GET /v1/models.
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { answerQuestion, type ChatResponse } from '../answer/answer-question.js';
import type { Citation } from '../answer/answer-types.js';
import { AppError } from '../errors.js';
import type { RagService } from '../rag/rag-service.js';
import { limits } from './schemas.js';
import { toAppError } from './to-app-error.js';
import { validateJson } from './validate.js';

export const modelIds = { answer: 'policy-cite', summary: 'policy-cite-summary' } as const;

const contentPart = z.object({ type: z.string(), text: z.string().max(limits.messageChars).optional() }).passthrough();
const completionRequest = z
  .object({
    model: z.string().max(100).optional(),
    messages: z
      .array(
        z
          .object({
            role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
            content: z.union([z.string().max(limits.messageChars), z.array(contentPart).max(20), z.null()]).optional(),
          })
          .passthrough(),
      )
      .min(1)
      .max(limits.turns * 2),
    stream: z.boolean().optional(),
  })
  .passthrough();

const textOf = (content: unknown): string =>
  typeof content === 'string' ? content : Array.isArray(content) ? content.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('') : '';

/** Sources as Markdown footnotes under the answer, so plain chat front ends show them too. */
export function footnotes(citations: Citation[]): string {
  if (citations.length === 0) return '';
  const lines = citations.map((citation) => `[${citation.n}]: ${citation.title}${citation.section.length > 0 ? ' › ' + citation.section.join(' › ') : ''}：“${citation.quote}”`);
  return `\n\n---\n${lines.join('\n')}`;
}

export function openAiRoutes(service: RagService, log: (error: unknown) => void) {
  return new Hono()
    .get('/models', (c) =>
      c.json({
        object: 'list',
        data: Object.values(modelIds).map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'policy-cite' })),
      }),
    )
    .post('/chat/completions', validateJson(completionRequest), async (c) => {
      const request = c.req.valid('json');
      const known: readonly string[] = Object.values(modelIds);
      if (request.model !== undefined && !known.includes(request.model)) {
        // As OpenAI answers an unknown model: 404, naming the ones there are.
        throw new AppError('not_found:model', `The model "${request.model.slice(0, 100)}" does not exist here; use ${known.join(' or ')} (GET /v1/models lists them).`, {
          details: { model: request.model.slice(0, 100), available: known.join(', ') },
        });
      }
      const model = request.model === modelIds.summary ? modelIds.summary : modelIds.answer;
      const messages = request.messages
        .filter((message) => message.role === 'user' || message.role === 'assistant')
        .map((message) => ({ role: message.role as 'user' | 'assistant', content: textOf(message.content) }))
        .slice(-limits.turns);
      const last = messages[messages.length - 1];
      if (!last || last.role !== 'user' || last.content.trim() === '') {
        throw new AppError('bad_request', 'messages: the last message must be a non-empty question from the user');
      }
      if (last.content.length > limits.questionChars) {
        throw new AppError('bad_request', `messages: the question must be at most ${limits.questionChars} characters`);
      }
      const id = `chatcmpl-${randomUUID()}`;
      const created = Math.floor(Date.now() / 1000);
      const mode = model === modelIds.summary ? 'summary' : 'answer';

      if (!request.stream) {
        const response = await answerQuestion(service, { messages, mode, signal: c.req.raw.signal });
        return c.json({
          id,
          object: 'chat.completion',
          created,
          model,
          choices: [{ index: 0, message: { role: 'assistant', content: response.answer + footnotes(response.citations) }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
          citations: response.citations,
          answered: response.answered,
          verification: response.verification,
        });
      }
      return streamSSE(c, async (sse) => {
        const controller = new AbortController();
        sse.onAbort(() => controller.abort());
        const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}, finish: string | null = null) =>
          sse.writeSSE({ data: JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra }) });
        let queue: Promise<unknown> = chunk({ role: 'assistant', content: '' });
        let final: ChatResponse | undefined;
        try {
          await answerQuestion(service, {
            messages,
            mode,
            signal: controller.signal,
            onEvent: (event) => {
              if (event.type === 'delta') queue = queue.then(() => chunk({ content: event.text }));
              if (event.type === 'done') final = event.response;
            },
          });
          await queue;
          await chunk({ content: footnotes(final?.citations ?? []) }, { citations: final?.citations ?? [] }, 'stop');
        } catch (error) {
          if (controller.signal.aborted) return;
          const appError = toAppError(error);
          if (appError.status >= 500) log(error);
          await queue;
          await sse.writeSSE({ data: JSON.stringify(appError.toJSON()) });
        }
        await sse.writeSSE({ data: '[DONE]' });
      });
    });
}
