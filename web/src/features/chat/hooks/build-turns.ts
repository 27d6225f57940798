// What the server sees of the conversation: finished turns, content only, the last 12.
import type { ChatTurn } from '../api/types';
import type { ChatMessage } from './chat-storage';

export const maxTurns = 12;

/** Drops failed or empty replies, keeps the last 12 turns, and starts with a user turn. */
export function buildTurns(messages: readonly ChatMessage[]): ChatTurn[] {
  const turns: ChatTurn[] = messages
    .filter((message) => message.role === 'user' || (message.status !== 'error' && message.content.trim() !== ''))
    .map((message) => ({ role: message.role, content: message.content }));
  const recent = turns.slice(-maxTurns);
  while (recent.length > 0 && recent[0].role !== 'user') recent.shift();
  return recent;
}
