// Wire types of POST /api/chat, as DESIGN.md states them.

export type ChatMode = 'answer' | 'summary';

export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  messages: ChatTurn[];
  mode: ChatMode;
  documents?: string[];
  stream: true;
}

export interface Citation {
  n: number;
  chunkId: string;
  documentId: string;
  title: string;
  /** Heading path from the document root down to the cited clause. */
  section: string[];
  quote: string;
  /** Character offsets into the document's cleaned `text`. */
  start: number;
  end: number;
}

export interface VerifiedSentence {
  text: string;
  supported: boolean;
  citations: number[];
}

export interface ChatResponse {
  answer: string;
  answered: boolean;
  citations: Citation[];
  verification?: { sentences: VerifiedSentence[] };
  timings?: Record<string, number>;
}
