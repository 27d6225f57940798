// The first screen: what the assistant does, and example questions about the documents in the
// library that send with one click (a neutral hint until the library is known).
import type { ChatMode } from '../api/types';
import type { ExampleState } from '../hooks/use-example-questions';

interface EmptyStateProps {
  mode: ChatMode;
  examples: ExampleState;
  onAsk: (question: string) => void;
  disabled: boolean;
}

const neutralHints: Record<ChatMode, string> = {
  answer: '可以问某份文件的主要内容，或它对某件事的具体规定，例如“《文件名》关于某事项有哪些规定”。点右上角的“文件库”可查看收录了哪些文件。',
  summary: '写明要汇总的主题或文件，例如“概述《文件名》的主要内容”。点右上角的“文件库”可查看收录了哪些文件。',
};

export function EmptyState({ mode, examples, onAsk, disabled }: EmptyStateProps) {
  return (
    <div className="empty-state" data-testid="empty-state">
      <h2 className="empty-title">{mode === 'summary' ? '想汇总哪个主题？' : '想了解哪项政策？'}</h2>
      <p className="empty-lead">回答只使用文件库中的原文，每一句都标注出处。点击句末的编号，即可在原文中看到对应条款。</p>
      {examples.status === 'ready' ? (
        <ul className="examples" aria-label="示例问题" data-testid="example-questions">
          {examples.questions[mode].map((question) => (
            <li key={question}>
              <button type="button" className="example-button" disabled={disabled} onClick={() => onAsk(question)}>
                {question}
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="examples-hint" data-testid="examples-hint" data-status={examples.status} aria-busy={examples.status === 'loading'}>
          {examples.status === 'empty'
            ? examples.canUpload
              ? '文件库里还没有文件。点右上角的“文件库”，再点“添加文件”上传通知、办法等文件，即可开始提问。'
              : '文件库里还没有文件。请管理员把文件放进服务器的文件目录（CORPUS_DIR）并重新建立索引，或在本机打开页面上传文件。'
            : neutralHints[mode]}
        </p>
      )}
    </div>
  );
}
