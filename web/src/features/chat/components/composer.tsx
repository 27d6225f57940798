// The message box: Enter sends, Shift+Enter adds a line, IME composition never sends; 停止 while streaming.
import { type FormEvent, type KeyboardEvent, type ReactNode, useLayoutEffect, useRef } from 'react';
import type { ChatMode } from '../api/types';
import { ModeToggle } from './mode-toggle';

interface ComposerProps {
  draft: string;
  onDraftChange: (draft: string) => void;
  onSend: (text: string) => void;
  onStop: () => void;
  isStreaming: boolean;
  mode: ChatMode;
  onModeChange: (mode: ChatMode) => void;
  /** Extra controls beside the mode switch (the document scope picker). */
  tools?: ReactNode;
}

/** The server accepts questions up to this length; longer ones are better split. */
const maxQuestionChars = 1000;

// Generic on purpose: the library may hold any documents; the first screen's examples name real ones.
const placeholders: Record<ChatMode, string> = {
  answer: '输入问题，例如：《文件名》关于某事项有哪些规定？',
  summary: '输入主题，例如：概述《文件名》的主要内容',
};

export function Composer({ draft, onDraftChange, onSend, onStop, isStreaming, mode, onModeChange, tools }: ComposerProps) {
  const textareaRef = useRef<HTMLTextAreaElement>(null);

  useLayoutEffect(() => {
    const textarea = textareaRef.current;
    if (!textarea) return;
    textarea.style.height = 'auto';
    textarea.style.height = `${Math.min(textarea.scrollHeight, 220)}px`;
  }, [draft]);

  const tooLong = draft.trim().length > maxQuestionChars;

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (isStreaming || !draft.trim() || tooLong) return;
    onSend(draft);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // keyCode 229 covers browsers that end composition before reporting isComposing.
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    submit();
  };

  return (
    <form className="composer" onSubmit={submit} aria-label="提问">
      <div className="composer-tools">
        <ModeToggle mode={mode} onChange={onModeChange} />
        {tools}
      </div>
      <div className="composer-box">
        <textarea
          ref={textareaRef}
          className="composer-input"
          data-testid="composer-input"
          aria-label={mode === 'summary' ? '输入要汇总的主题' : '输入问题'}
          placeholder={placeholders[mode]}
          rows={1}
          value={draft}
          onChange={(event) => onDraftChange(event.target.value)}
          onKeyDown={onKeyDown}
        />
        {isStreaming ? (
          <button type="button" className="send-button is-stop" data-testid="stop-button" aria-label="停止生成" onClick={onStop}>
            <span className="stop-icon" aria-hidden="true" />
            <span className="send-label">停止</span>
          </button>
        ) : (
          <button type="submit" className="send-button" data-testid="send-button" aria-label="发送" disabled={!draft.trim() || tooLong}>
            <span aria-hidden="true" className="send-icon">
              ↑
            </span>
            <span className="send-label">发送</span>
          </button>
        )}
      </div>
      {tooLong ? (
        <p className="composer-hint is-warning" role="status">
          问题最长 {maxQuestionChars} 字，当前 {draft.trim().length} 字，请精简或拆成几个问题。
        </p>
      ) : (
        <p className="composer-hint">Enter 发送，Shift + Enter 换行。回答只引用文件库中的原文，请点击编号核对出处。</p>
      )}
    </form>
  );
}
