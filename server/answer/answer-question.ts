// Answering: condense → retrieve → answer (extractive, or LLM when configured) → verify → events.
import type { RagService } from '../rag/rag-service.js';
import type { SearchResult } from '../rag/types.js';
import { composeAnswer, composeSummary, type Citation } from './extractive-answer.js';
import { condenseWithLlm, generateLlmAnswer, type Verification } from './llm-answer.js';
import { analyseQuestion, type ChatTurn } from './question-analysis.js';
import { scoreSentences } from './score-sentences.js';

export interface ChatResponse {
  answer: string;
  answered: boolean;
  citations: Citation[];
  verification?: Verification;
  mode: 'answer' | 'summary';
  /** The query retrieval ran with (the follow-up condensed with earlier turns). */
  retrievalQuery: string;
  timings: { retrieveMs: number; answerMs: number; totalMs: number };
}

/** Stream events, in order: citations once, deltas, then done (or error). */
export type AnswerEvent =
  | { type: 'citations'; citations: Citation[] }
  | { type: 'delta'; text: string }
  | { type: 'done'; response: ChatResponse };

export interface AnswerRequest {
  messages: ChatTurn[];
  mode?: 'answer' | 'summary';
  documents?: string[];
  signal?: AbortSignal;
  onEvent?: (event: AnswerEvent) => void;
}

const retrievalDepth = { answer: 8, summary: 30 } as const;
/** Coverage at which a short follow-up is taken to stand on its own. */
const standaloneCoverage = 0.5;

/** Answers the last user message of a conversation with cited clauses. */
export async function answerQuestion(service: RagService, { messages, mode = 'answer', documents, signal, onEvent = () => {} }: AnswerRequest): Promise<ChatResponse> {
  const started = performance.now();
  let question = analyseQuestion(messages);
  // A short question that reads as complete ("高竹新区由哪两地共建？") is answered on its own when it can be.
  if (question.isFollowUp && !question.explicitFollowUp && !service.config.LLM_BASE_URL) {
    const standalone = analyseQuestion(messages.slice(-1));
    const probe = await service.index.search(standalone.retrievalQuery, { k: retrievalDepth.answer, documents });
    const best = scoreSentences({ question: standalone, results: probe, index: service.index })[0];
    if (best && best.coverage >= standaloneCoverage) question = standalone;
  }
  const k = mode === 'summary' || question.crossDocument ? retrievalDepth.summary : retrievalDepth.answer;
  if (service.config.LLM_BASE_URL && question.isFollowUp) {
    question.retrievalQuery = await condenseWithLlm({ config: service.config, messages, signal }).catch(() => question.retrievalQuery);
  }
  const results = await service.index.search(question.retrievalQuery, { k, documents });
  const retrieved = performance.now();

  let response: Omit<ChatResponse, 'timings' | 'mode' | 'retrievalQuery'>;
  if (service.config.LLM_BASE_URL) {
    response = await generateLlmAnswer({ service, question, messages, results: results.slice(0, mode === 'summary' ? 16 : 8), mode, signal, onEvent });
  } else {
    const clauses = diversify(results, mode === 'summary' || question.crossDocument);
    const scored = scoreSentences({ question, results: clauses, index: service.index });
    // "A类人才安家补贴多少？怎么发？": each part gets its own best sentence; a later part is read like a
    // follow-up of the parts before it.
    const parts = mode === 'answer' && !question.crossDocument ? subQuestions(question.question) : [];
    const partScores = parts.map((_, i) =>
      scoreSentences({ question: analyseQuestion(parts.slice(0, i + 1).map((content) => ({ role: 'user' as const, content }))), results: clauses, index: service.index }),
    );
    const draft = mode === 'summary' ? composeSummary({ scored, index: service.index }) : composeAnswer({ question, scored, partScores, index: service.index });
    onEvent({ type: 'citations', citations: draft.citations });
    for (const piece of draft.answer.match(/[^。！？；\n]*[。！？；]?(\[\d+\])?\n*/g) ?? []) if (piece) onEvent({ type: 'delta', text: piece });
    response = draft;
  }
  const finished = performance.now();
  const full: ChatResponse = {
    ...response,
    mode,
    retrievalQuery: question.retrievalQuery,
    timings: {
      retrieveMs: round(retrieved - started),
      answerMs: round(finished - retrieved),
      totalMs: round(finished - started),
    },
  };
  onEvent({ type: 'done', response: full });
  return full;
}

/** The questions one message asks, split at question marks: "补贴多少？怎么发？" → two. */
export function subQuestions(text: string): string[] {
  const parts = text.split(/(?<=[？?])/).map((part) => part.trim()).filter((part) => part.replace(/[？?\s]/g, '').length >= 2);
  return parts.length >= 2 ? parts.slice(0, 4) : [];
}

/** Summaries read every document's best clauses, not only the top-ranked document's. */
function diversify(results: SearchResult[], acrossDocuments: boolean): SearchResult[] {
  if (!acrossDocuments) return results;
  const perDocument = new Map<string, number>();
  return results.filter((result) => {
    const count = perDocument.get(result.documentId) ?? 0;
    perDocument.set(result.documentId, count + 1);
    return count < 6;
  });
}

const round = (ms: number) => Math.round(ms * 100) / 100;
