// Wire types of POST /api/chat. They are the server's own definitions (its zod schemas), so server,
// web and evals share one Citation, one ChatResponse; nothing here redefines them.
import type { z } from 'zod';
import type { chatMessage, chatRequest } from '../../../../../server/routes/schemas';

export type { ChatResponse, Citation, Comparison, ComparisonCell, Verification } from '../../../../../server/answer/answer-types';

/** What the client sends: the request schema's input side (defaults such as `mode` may be left out). */
export type ChatRequest = z.input<typeof chatRequest>;
export type ChatTurn = z.infer<typeof chatMessage>;
export type ChatMode = z.infer<typeof chatRequest>['mode'];
