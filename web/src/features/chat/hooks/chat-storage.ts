// Keeps the conversation, mode and unsent draft in localStorage so a reload loses nothing.
import type { ErrorInfo } from '../../../lib/api-error';
import type { ChatMode, Citation, Comparison, Verification } from '../api/types';

export interface UserMessage {
  id: string;
  role: 'user';
  content: string;
}

export interface AssistantMessage {
  id: string;
  role: 'assistant';
  content: string;
  mode: ChatMode;
  status: 'streaming' | 'done' | 'stopped' | 'error';
  answered: boolean;
  citations: Citation[];
  verification?: Verification;
  /** Comparison questions: the table shown under the answer. */
  comparison?: Comparison;
  /** Remarks that are not claims of the documents (which version answered, masked characters). */
  notes?: string[];
  /** When the answer finished (ISO 8601); the copied Markdown is dated with it. */
  answeredAt?: string;
  error?: ErrorInfo;
}

export type ChatMessage = UserMessage | AssistantMessage;

export interface StoredChat {
  messages: ChatMessage[];
  mode: ChatMode;
  draft: string;
}

const storageKey = 'policy-cite.chat.v1';
const keptMessages = 200;

export function loadChat(): StoredChat {
  const empty: StoredChat = { messages: [], mode: 'answer', draft: '' };
  try {
    const raw = window.localStorage.getItem(storageKey);
    if (!raw) return empty;
    const stored = JSON.parse(raw) as Partial<StoredChat>;
    const messages = Array.isArray(stored.messages) ? stored.messages.filter(isMessage) : [];
    return {
      // A reply that was still streaming when the page went away is kept as stopped.
      messages: messages.map((message) =>
        message.role === 'assistant' && message.status === 'streaming' ? { ...message, status: 'stopped' } : message,
      ),
      mode: stored.mode === 'summary' ? 'summary' : 'answer',
      draft: typeof stored.draft === 'string' ? stored.draft : '',
    };
  } catch {
    return empty;
  }
}

export function saveChat(chat: StoredChat): void {
  try {
    window.localStorage.setItem(storageKey, JSON.stringify({ ...chat, messages: chat.messages.slice(-keptMessages) }));
  } catch {
    // Private mode or a full quota: the conversation still works, it just is not kept.
  }
}

function isMessage(value: unknown): value is ChatMessage {
  if (!value || typeof value !== 'object') return false;
  const message = value as Partial<ChatMessage>;
  if (typeof message.id !== 'string' || typeof message.content !== 'string') return false;
  if (message.role === 'user') return true;
  return message.role === 'assistant' && Array.isArray((message as AssistantMessage).citations);
}

let counter = 0;
/** Unique enough for list keys; crypto.randomUUID is missing on plain-http intranet hosts. */
export function createId(): string {
  counter += 1;
  return `${Date.now().toString(36)}-${counter.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
