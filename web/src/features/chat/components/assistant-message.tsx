// One reply: notes, streaming text, the not-found notice, verification marks, a comparison table,
// sources, copy as Markdown, or an error with 重试.
import { describeError } from '../../../lib/api-error';
import type { Citation } from '../api/types';
import type { AssistantMessage as AssistantMessageData } from '../hooks/chat-storage';
import { answerToMarkdown } from '../utils/answer-to-markdown';
import { citationsInUse } from '../utils/cited-numbers';
import { AnswerBody } from './answer-body';
import { AnswerNotes } from './answer-notes';
import { ComparisonTable } from './comparison-table';
import { CopyAnswerButton } from './copy-answer-button';
import { SourceList } from './source-list';
import './answer-parts.css';

interface AssistantMessageProps {
  message: AssistantMessageData;
  /** The question this reply answers, for the copied Markdown. */
  question?: string;
  isLast: boolean;
  onOpenCitation: (citation: Citation) => void;
  onRetry: () => void;
}

export function AssistantMessage({ message, question, isLast, onOpenCitation, onRetry }: AssistantMessageProps) {
  const { status, content, answered, comparison, notes = [] } = message;
  const unanswered = !answered && status !== 'error';
  const unsupportedCount = message.verification?.sentences.filter((sentence) => sentence.supported === false).length ?? 0;
  const inUse = (finished: boolean) => citationsInUse({ answer: content, citations: message.citations, notes, comparison, finished });
  const toMarkdown = () =>
    answerToMarkdown({
      question,
      date: message.answeredAt ? new Date(message.answeredAt) : new Date(),
      answer: content,
      citations: inUse(true),
      comparison,
      notes,
    });

  return (
    <article
      className={`message assistant-message${unanswered ? ' is-unanswered' : ''}`}
      data-testid="assistant-message"
      data-status={status}
      data-answered={String(answered)}
      aria-busy={status === 'streaming'}
      aria-label={message.mode === 'summary' ? '摘要' : '回答'}
    >
      <div className="message-label" aria-hidden="true">
        {message.mode === 'summary' ? '摘要' : '回答'}
      </div>

      {status !== 'error' && notes.length > 0 && <AnswerNotes notes={notes} citations={message.citations} onOpenCitation={onOpenCitation} />}

      {status === 'streaming' && !content && (
        <p className="answer-pending" role="status">
          <span className="pending-dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          正在查找相关条款…
        </p>
      )}

      {content && unanswered && (
        <div className="answer-notice" data-testid="answer-unanswered" role="note">
          <span className="notice-icon" aria-hidden="true">
            i
          </span>
          <div>
            <AnswerBody markdown={content} citations={[]} onOpenCitation={onOpenCitation} />
            <p className="notice-hint">可以换个说法再问，或在“范围”中选择其他文件；也可以打开“文件库”直接查阅原文。</p>
          </div>
        </div>
      )}

      {content && !unanswered && (
        <AnswerBody markdown={content} citations={message.citations} verification={message.verification} onOpenCitation={onOpenCitation} />
      )}

      {content && !unanswered && status !== 'error' && comparison && (
        <ComparisonTable comparison={comparison} citations={message.citations} onOpenCitation={onOpenCitation} />
      )}

      {status === 'stopped' && <p className="answer-stopped">已停止生成{content ? '，以上为部分内容' : ''}。</p>}

      {status === 'error' && message.error && (
        <div className="answer-error" role="alert" data-testid="chat-error">
          <p>{describeError(message.error)}</p>
          <p className="answer-error-hint">您输入的问题已保留，可以直接重试。</p>
          {isLast && (
            <button type="button" className="button button-secondary" onClick={onRetry}>
              重试
            </button>
          )}
        </div>
      )}

      {!unanswered && status !== 'error' && content && (
        <>
          {status === 'done' && unsupportedCount > 0 && (
            <p className="verification-summary" data-testid="verification-summary">
              有 {unsupportedCount} 句未能在所引条款中核实，已用虚线标出，请以原文为准。
            </p>
          )}
          <SourceList citations={inUse(status === 'done')} onOpen={onOpenCitation} />
        </>
      )}

      {status === 'done' && content && !unanswered && (
        <div className="message-actions">
          <CopyAnswerButton getMarkdown={toMarkdown} />
        </div>
      )}
    </article>
  );
}
