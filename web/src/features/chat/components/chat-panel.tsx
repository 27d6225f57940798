// The chat column: conversation (or the example questions) above, the message box below.
import type { ReactNode } from 'react';
import type { Citation } from '../api/types';
import type { useChat } from '../hooks/use-chat';
import type { ExampleState } from '../hooks/use-example-questions';
import { Composer } from './composer';
import { EmptyState } from './empty-state';
import { MessageList } from './message-list';

interface ChatPanelProps {
  chat: ReturnType<typeof useChat>;
  onOpenCitation: (citation: Citation) => void;
  /** Example questions about the library, for the first screen. */
  examples: ExampleState;
  /** The document scope picker, shown beside the mode switch. */
  scopeControl?: ReactNode;
}

export function ChatPanel({ chat, onOpenCitation, examples, scopeControl }: ChatPanelProps) {
  return (
    <section className="chat-column" aria-label="对话">
      <div className="chat-scroll">
        <div className="chat-inner">
          {chat.messages.length === 0 ? (
            <EmptyState mode={chat.mode} examples={examples} onAsk={chat.send} disabled={chat.isStreaming} />
          ) : (
            <MessageList messages={chat.messages} onOpenCitation={onOpenCitation} onRetry={chat.retry} />
          )}
        </div>
      </div>
      <div className="composer-dock">
        <Composer
          draft={chat.draft}
          onDraftChange={chat.setDraft}
          onSend={chat.send}
          onStop={chat.stop}
          isStreaming={chat.isStreaming}
          mode={chat.mode}
          onModeChange={chat.setMode}
          tools={scopeControl}
        />
      </div>
    </section>
  );
}
