// The conversation, kept scrolled to the newest text while the reader is at the bottom.
import { useEffect, useLayoutEffect, useRef } from 'react';
import type { Citation } from '../api/types';
import type { ChatMessage } from '../hooks/chat-storage';
import { AssistantMessage } from './assistant-message';

interface MessageListProps {
  messages: ChatMessage[];
  onOpenCitation: (citation: Citation) => void;
  onRetry: () => void;
}

export function MessageList({ messages, onOpenCitation, onRetry }: MessageListProps) {
  const endRef = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);
  const count = messages.length;

  useEffect(() => {
    const scroller = endRef.current?.closest('.chat-scroll');
    if (!scroller) return;
    const onScroll = () => {
      stickToBottom.current = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
    };
    scroller.addEventListener('scroll', onScroll, { passive: true });
    return () => scroller.removeEventListener('scroll', onScroll);
  }, []);

  // A new question always brings the view down; streamed text only if the reader has not scrolled up.
  useLayoutEffect(() => {
    stickToBottom.current = true;
    scrollToEnd(endRef.current);
  }, [count]);
  useLayoutEffect(() => {
    if (stickToBottom.current) scrollToEnd(endRef.current);
  });

  return (
    <div className="message-list" role="log" aria-label="对话记录" aria-live="polite" aria-relevant="additions">
      {messages.map((message, index) =>
        message.role === 'user' ? (
          <div key={message.id} className="message user-message" data-testid="user-message">
            <div className="user-bubble">{message.content}</div>
          </div>
        ) : (
          <AssistantMessage
            key={message.id}
            message={message}
            question={questionBefore(messages, index)}
            isLast={index === messages.length - 1}
            onOpenCitation={onOpenCitation}
            onRetry={onRetry}
          />
        ),
      )}
      <div ref={endRef} className="message-list-end" />
    </div>
  );
}

/** Scrolls only the chat column, never the page around it. */
function scrollToEnd(end: HTMLElement | null) {
  const scroller = end?.closest('.chat-scroll');
  if (scroller) scroller.scrollTop = scroller.scrollHeight;
}

/** The user's question a reply answers: the nearest user message before it. */
function questionBefore(messages: readonly ChatMessage[], index: number): string | undefined {
  for (let i = index - 1; i >= 0; i--) {
    const message = messages[i];
    if (message.role === 'user') return message.content;
  }
  return undefined;
}
