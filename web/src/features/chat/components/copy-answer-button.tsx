// Copies an answer as Markdown (question, date, answer, table, sources as footnotes), confirming briefly.
import { useEffect, useState } from 'react';
import { copyText } from '../utils/copy-text';

interface CopyAnswerButtonProps {
  /** Builds the Markdown when the button is pressed. */
  getMarkdown: () => string;
}

export function CopyAnswerButton({ getMarkdown }: CopyAnswerButtonProps) {
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
      aria-label="复制为 Markdown（含问题、日期和出处脚注）"
      onClick={async () => setState((await copyText(getMarkdown())) ? 'copied' : 'failed')}
    >
      {state === 'copied' ? <CheckIcon /> : <CopyIcon />}
      <span aria-live="polite">{state === 'copied' ? '已复制' : state === 'failed' ? '复制失败，请手动选择文字' : '复制为 Markdown'}</span>
    </button>
  );
}

function CopyIcon() {
  return (
    <svg className="icon" width="15" height="15" viewBox="0 0 16 16" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.4">
      <rect x="5.5" y="5.5" width="8" height="8" rx="1.5" />
      <path d="M10.5 3.5v-.5A1.5 1.5 0 0 0 9 1.5H4A1.5 1.5 0 0 0 2.5 3v5A1.5 1.5 0 0 0 4 9.5h.5" />
    </svg>
  );
}

function CheckIcon() {
  return (
    <svg className="icon" width="15" height="15" viewBox="0 0 16 16" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.8">
      <path d="M3 8.5l3.2 3L13 4.5" />
    </svg>
  );
}
