// The document library: every document with region, date and size; opening one shows it in the panel.
import { describeError } from '../../../lib/api-error';
import { formatCharCount, formatTitle } from '../../../lib/format';
import type { DocumentsState } from '../hooks/use-documents';
import { MetaLine } from './meta-line';

interface LibraryViewProps {
  state: DocumentsState;
  onReload: () => void;
  onOpen: (documentId: string) => void;
}

export function LibraryView({ state, onReload, onOpen }: LibraryViewProps) {
  return (
    <div className="library" data-testid="library">
      <header className="document-header">
        <h2 className="document-title" tabIndex={-1} data-panel-focus>
          收录的政策文件
        </h2>
        {state.status === 'ready' && <p className="document-meta">共 {state.documents.length} 份，点击可查看全文和目录。</p>}
      </header>
      {state.status === 'loading' && (
        <p className="panel-status" role="status">
          正在加载文件列表…
        </p>
      )}
      {state.status === 'error' && (
        <div className="panel-error" role="alert">
          <p>{describeError(state.error)}</p>
          <button type="button" className="button button-secondary" onClick={onReload}>
            重试
          </button>
        </div>
      )}
      {state.status === 'ready' && (
        <ul className="library-list">
          {state.documents.map((document) => (
            <li key={document.id}>
              <button type="button" className="library-item" data-testid="library-item" data-document-id={document.id} onClick={() => onOpen(document.id)}>
                <span className="library-title">{formatTitle(document.title)}</span>
                <MetaLine parts={[document.region, document.date]} className="library-meta" />
                {document.issuer && <span className="library-meta">{document.issuer}</span>}
                <MetaLine parts={[formatCharCount(document.chars), `${document.chunks} 个条款片段`]} className="library-size" />
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
