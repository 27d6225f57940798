// The first screen: what the assistant does, and example questions that send with one click.
import type { ChatMode } from '../api/types';

interface EmptyStateProps {
  mode: ChatMode;
  onAsk: (question: string) => void;
  disabled: boolean;
}

const examples: Record<ChatMode, string[]> = {
  answer: ['滇中城市群常住人口城镇化率到2025年要达到多少？', '成渝地区双城经济圈在交通基础设施方面有哪些安排？', '贵州如何完善生态补偿机制？'],
  summary: ['各省在生态补偿方面怎么规定的', '各地如何推进基本公共服务均等化', '成渝地区双城经济圈的产业协作安排'],
};

export function EmptyState({ mode, onAsk, disabled }: EmptyStateProps) {
  return (
    <div className="empty-state" data-testid="empty-state">
      <h2 className="empty-title">{mode === 'summary' ? '想汇总哪个主题？' : '想了解哪项政策？'}</h2>
      <p className="empty-lead">回答只使用文件库中的原文，每一句都标注出处。点击句末的编号，即可在原文中看到对应条款。</p>
      <ul className="examples" aria-label="示例问题">
        {examples[mode].map((question) => (
          <li key={question}>
            <button type="button" className="example-button" disabled={disabled} onClick={() => onAsk(question)}>
              {question}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
