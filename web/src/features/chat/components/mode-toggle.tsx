// 问答 / 摘要 switch.
import type { ChatMode } from '../api/types';

interface ModeToggleProps {
  mode: ChatMode;
  onChange: (mode: ChatMode) => void;
}

const modes: { value: ChatMode; label: string; description: string }[] = [
  { value: 'answer', label: '问答', description: '针对具体问题，给出带出处的回答' },
  { value: 'summary', label: '摘要', description: '围绕一个主题，汇总各文件的相关规定' },
];

export function ModeToggle({ mode, onChange }: ModeToggleProps) {
  return (
    <div className="segmented" role="group" aria-label="回答方式">
      {modes.map((option) => (
        <button
          key={option.value}
          type="button"
          className="segmented-option"
          aria-pressed={mode === option.value}
          title={option.description}
          onClick={() => onChange(option.value)}
        >
          {option.label}
        </button>
      ))}
    </div>
  );
}
