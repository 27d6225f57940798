// Conversation state: sending, streaming, stopping, retrying, and keeping it all across reloads.
import { useCallback, useEffect, useRef, useState } from 'react';
import { toErrorInfo } from '../../../lib/api-error';
import { streamChat } from '../api/stream-chat';
import type { ChatMode } from '../api/types';
import { buildTurns } from './build-turns';
import { type AssistantMessage, type ChatMessage, createId, loadChat, saveChat } from './chat-storage';

export interface UseChatOptions {
  /** Document ids the answer may draw on; empty means the whole library. */
  documents: readonly string[];
}

export function useChat({ documents }: UseChatOptions) {
  const [initial] = useState(loadChat);
  const [messages, setMessages] = useState<ChatMessage[]>(initial.messages);
  const [mode, setMode] = useState<ChatMode>(initial.mode);
  const [draft, setDraft] = useState(initial.draft);
  const controllerRef = useRef<AbortController | null>(null);
  const documentsRef = useRef(documents);
  documentsRef.current = documents;

  useEffect(() => saveChat({ messages, mode, draft }), [messages, mode, draft]);
  useEffect(() => () => controllerRef.current?.abort(), []);

  const updateAssistant = useCallback((id: string, update: (message: AssistantMessage) => Partial<AssistantMessage>) => {
    setMessages((current) => current.map((message) => (message.id === id && message.role === 'assistant' ? { ...message, ...update(message) } : message)));
  }, []);

  const run = useCallback(
    async ({ history, assistantId, question, requestMode }: { history: ChatMessage[]; assistantId: string; question: string; requestMode: ChatMode }) => {
      controllerRef.current?.abort();
      const controller = new AbortController();
      controllerRef.current = controller;
      const scope = documentsRef.current;
      try {
        const response = await streamChat({
          request: { messages: buildTurns(history), mode: requestMode, documents: scope.length > 0 ? [...scope] : undefined, stream: true },
          signal: controller.signal,
          onCitations: (citations) => updateAssistant(assistantId, () => ({ citations })),
          onDelta: (text) => updateAssistant(assistantId, (message) => ({ content: message.content + text })),
        });
        updateAssistant(assistantId, () => ({
          status: 'done',
          content: response.answer,
          answered: response.answered,
          citations: response.citations,
          verification: response.verification,
          comparison: response.comparison,
          notes: response.notes,
          answeredAt: new Date().toISOString(),
        }));
      } catch (error) {
        if (controller.signal.aborted) {
          updateAssistant(assistantId, () => ({ status: 'stopped' }));
        } else {
          updateAssistant(assistantId, () => ({ status: 'error', content: '', citations: [], error: toErrorInfo(error) }));
          // Give the question back to the message box unless the user has started typing something else.
          setDraft((current) => (current.trim() ? current : question));
        }
      } finally {
        if (controllerRef.current === controller) controllerRef.current = null;
      }
    },
    [updateAssistant],
  );

  const isStreaming = messages.some((message) => message.role === 'assistant' && message.status === 'streaming');

  const send = useCallback(
    (text: string) => {
      const question = text.trim();
      if (!question || isStreaming) return;
      // A question that failed is replaced by the new one instead of piling up.
      let base = messages;
      const last = base[base.length - 1];
      if (last?.role === 'assistant' && last.status === 'error') base = base.slice(0, -2);
      const userMessage: ChatMessage = { id: createId(), role: 'user', content: question };
      const assistant: AssistantMessage = { id: createId(), role: 'assistant', content: '', mode, status: 'streaming', answered: true, citations: [] };
      const history = [...base, userMessage];
      setMessages([...history, assistant]);
      setDraft('');
      void run({ history, assistantId: assistant.id, question, requestMode: mode });
    },
    [isStreaming, messages, mode, run],
  );

  const retry = useCallback(() => {
    const last = messages[messages.length - 1];
    const question = messages[messages.length - 2];
    if (isStreaming || last?.role !== 'assistant' || last.status !== 'error' || question?.role !== 'user') return;
    const history = messages.slice(0, -1);
    setMessages([...history, { ...last, status: 'streaming', error: undefined, content: '', citations: [], comparison: undefined, notes: undefined }]);
    setDraft((current) => (current.trim() === question.content ? '' : current));
    void run({ history, assistantId: last.id, question: question.content, requestMode: last.mode });
  }, [isStreaming, messages, run]);

  const stop = useCallback(() => controllerRef.current?.abort(), []);

  const reset = useCallback(() => {
    controllerRef.current?.abort();
    controllerRef.current = null;
    setMessages([]);
  }, []);

  return { messages, mode, setMode, draft, setDraft, isStreaming, send, stop, retry, reset };
}
