import { describe, expect, it } from 'vitest';
import type { AssistantMessage, ChatMessage } from './chat-storage';
import { buildTurns } from './build-turns';

const user = (content: string): ChatMessage => ({ id: content, role: 'user', content });
const assistant = (content: string, status: AssistantMessage['status'] = 'done'): ChatMessage => ({
  id: content,
  role: 'assistant',
  content,
  status,
  mode: 'answer',
  answered: true,
  citations: [],
});

describe('buildTurns', () => {
  it('sends user and assistant turns with content only', () => {
    expect(buildTurns([user('问1'), assistant('答1[1]'), user('问2')])).toEqual([
      { role: 'user', content: '问1' },
      { role: 'assistant', content: '答1[1]' },
      { role: 'user', content: '问2' },
    ]);
  });

  it('leaves out failed and empty replies', () => {
    expect(buildTurns([user('问1'), assistant('', 'error'), user('问2'), assistant('', 'stopped'), user('问3')]).map((turn) => turn.content)).toEqual([
      '问1',
      '问2',
      '问3',
    ]);
  });

  it('keeps at most the last 12 turns and starts with a user turn', () => {
    const messages: ChatMessage[] = [];
    for (let i = 1; i <= 10; i++) messages.push(user(`问${i}`), assistant(`答${i}`));
    messages.push(user('问11'));
    const turns = buildTurns(messages);
    expect(turns.length).toBeLessThanOrEqual(12);
    expect(turns[0]).toEqual({ role: 'user', content: '问6' });
    expect(turns.at(-1)).toEqual({ role: 'user', content: '问11' });
  });
});
