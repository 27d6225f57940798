// Request schemas shared by the routes: every size is bounded.
import { z } from 'zod';

export const limits = {
  bodyBytes: 64 * 1024,
  questionChars: 1000,
  messageChars: 8000,
  turns: 24,
  documentsFilter: 100,
  maxK: 50,
} as const;

/** An object that refuses fields it does not define, naming them and the ones it allows. */
export function strictObject<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      const names = issue.keys.map((key) => `"${key.slice(0, 40)}"`).join(', ');
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${names} (allowed: ${allowed})`;
    },
  });
}

const documentIds = z.array(z.string().min(1).max(200)).max(limits.documentsFilter);

export const searchRequest = strictObject({
  query: z.string().trim().min(1, 'query must not be empty').max(limits.questionChars, `query must be at most ${limits.questionChars} characters`),
  k: z.number().int().min(1).max(limits.maxK).default(8),
  documents: documentIds.optional(),
});

export const chatMessage = strictObject({
  role: z.enum(['user', 'assistant']),
  content: z.string().max(limits.messageChars, `a message must be at most ${limits.messageChars} characters`),
});

export const chatRequest = strictObject({
  messages: z.array(chatMessage).min(1, 'messages must hold at least one message').max(limits.turns, `at most ${limits.turns} messages`),
  mode: z.enum(['answer', 'summary']).default('answer'),
  documents: documentIds.optional(),
  stream: z.boolean().default(false),
}).superRefine((request, context) => {
    const last = request.messages[request.messages.length - 1];
    if (!last) return; // min(1) has reported it; zod still runs refinements after that issue
    if (last.role !== 'user') context.addIssue({ code: 'custom', path: ['messages'], message: 'the last message must be from the user' });
    else if (last.content.trim().length === 0) context.addIssue({ code: 'custom', path: ['messages'], message: 'the question must not be empty' });
    else if (last.content.length > limits.questionChars) context.addIssue({ code: 'custom', path: ['messages'], message: `the question must be at most ${limits.questionChars} characters` });
  });

export type ChatRequest = z.infer<typeof chatRequest>;
