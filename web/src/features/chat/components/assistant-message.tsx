// One reply: streaming text, the not-found notice, verification marks, sources, copy, or an error with 重试.
import { describeError } from '../../../lib/api-error';
import type { Citation } from '../api/types';
import type { AssistantMessage as AssistantMessageData } from '../hooks/chat-storage';
import { AnswerBody } from './answer-body';
import { CopyAnswerButton } from './copy-answer-button';
import { SourceList } from './source-list';

interface AssistantMessageProps {
  message: AssistantMessageData;
  isLast: boolean;
  onOpenCitation: (citation: Citation) => void;
  onRetry: () => void;
}

const markerPattern = /\[(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\]/g;

/** The citations the text refers to, in number order; a finished answer without markers lists them all. */
function citedInText(content: string, citations: readonly Citation[], finished: boolean): Citation[] {
  const used = new Set<number>();
  for (const match of content.matchAll(markerPattern)) match[1].split(/\s*[,，、]\s*/).forEach((n) => used.add(Number(n)));
  const cited = citations.filter((citation) => used.has(citation.n));
  return (cited.length > 0 || !finished ? cited : [...citations]).sort((a, b) => a.n - b.n);
}

export function AssistantMessage({ message, isLast, onOpenCitation, onRetry }: AssistantMessageProps) {
  const { status, content, answered } = message;
  const unanswered = !answered && status !== 'error';
  const unsupportedCount = message.verification?.sentences.filter((sentence) => sentence.supported === false).length ?? 0;

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
          <SourceList citations={citedInText(content, message.citations, status === 'done')} onOpen={onOpenCitation} />
        </>
      )}

      {status === 'done' && content && !unanswered && (
        <div className="message-actions">
          <CopyAnswerButton answer={content} citations={citedInText(content, message.citations, true)} />
        </div>
      )}
    </article>
  );
}
