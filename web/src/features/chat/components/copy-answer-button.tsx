// Copies an answer as Markdown with its sources as footnotes, confirming briefly.
import { useEffect, useState } from 'react';
import type { Citation } from '../api/types';
import { answerToMarkdown } from '../utils/answer-to-markdown';
import { copyText } from '../utils/copy-text';

interface CopyAnswerButtonProps {
  answer: string;
  citations: readonly Citation[];
}

export function CopyAnswerButton({ answer, citations }: CopyAnswerButtonProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);

  return (
    <button
      type="button"
      className="text-button"
      data-testid="copy-answer"
      aria-label="复制回答（Markdown 格式，含出处脚注）"
      onClick={async () => setState((await copyText(answerToMarkdown(answer, citations))) ? 'copied' : 'failed')}
    >
      <span aria-hidden="true" className="icon">
        {state === 'copied' ? '✓' : '⧉'}
      </span>
      <span aria-live="polite">{state === 'copied' ? '已复制' : state === 'failed' ? '复制失败，请手动选择文字' : '复制'}</span>
    </button>
  );
}
