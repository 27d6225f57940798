// The document library: every document with region, date and size (copies and versions grouped);
// opening one shows it in the panel; files can be added (button or drop) and removed.
import { type DragEvent, useState } from 'react';
import { describeError } from '../../../lib/api-error';
import { formatCharCount, formatTitle } from '../../../lib/format';
import type { DocumentSummary } from '../api/types';
import type { DocumentsState } from '../hooks/use-documents';
import { useLibraryChanges } from '../hooks/use-library-changes';
import { groupLibrary, type LibraryDocument } from '../utils/group-library';
import { MetaLine } from './meta-line';
import { UploadPanel } from './upload-panel';

interface LibraryViewProps {
  state: DocumentsState;
  onReload: () => void;
  /** Reloads the list after a change, keeping the current one on screen meanwhile. */
  onChanged: () => Promise<void>;
  onOpen: (documentId: string) => void;
}

const hasFiles = (event: DragEvent) => [...event.dataTransfer.types].includes('Files');

export function LibraryView({ state, onReload, onChanged, onOpen }: LibraryViewProps) {
  const policy = state.status === 'ready' ? state.uploads : null;
  const changes = useLibraryChanges({ policy, onChanged });
  const [dragging, setDragging] = useState(false);
  const [confirming, setConfirming] = useState<string | null>(null);
  const canChange = Boolean(policy?.allowed);

  const dropHandlers = canChange
    ? {
        onDragEnter: (event: DragEvent) => {
          if (hasFiles(event)) setDragging(true);
        },
        onDragOver: (event: DragEvent) => {
          if (!hasFiles(event)) return;
          event.preventDefault();
          event.dataTransfer.dropEffect = 'copy';
        },
        onDragLeave: (event: DragEvent) => {
          if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
        },
        onDrop: (event: DragEvent) => {
          event.preventDefault();
          setDragging(false);
          changes.addFiles([...event.dataTransfer.files]);
        },
      }
    : {};

  const renderDocument = ({ document, copies }: LibraryDocument, { version }: { version?: 'newest' | 'older' } = {}) => (
    <li key={document.id} className={`library-entry${canChange ? ' can-remove' : ''}`}>
      <button type="button" className="library-item" data-testid="library-item" data-document-id={document.id} onClick={() => onOpen(document.id)}>
        <span className="library-title">
          {version === 'newest' && <span className="library-badge">最新版本</span>}
          {formatTitle(document.title)}
        </span>
        <MetaLine parts={[document.region, document.date]} className="library-meta" />
        {document.issuer && <span className="library-meta">{document.issuer}</span>}
        <MetaLine parts={[formatCharCount(document.chars), `${document.chunks} 个条款片段`]} className="library-size" />
      </button>
      {copies.length > 0 && (
        <details className="library-copies">
          <summary>另有 {copies.length} 份相同内容的副本（来自其他网站）</summary>
          <ul>
            {copies.map((copy) => (
              <li key={copy.id}>
                <button type="button" className="text-button" data-testid="library-copy" onClick={() => onOpen(copy.id)}>
                  {copy.file ?? formatTitle(copy.title)}
                  {copy.date && ` · ${copy.date}`}
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
      {canChange && <RemoveControl document={document} confirming={confirming === document.id} busy={changes.busy} onConfirm={setConfirming} onRemove={changes.remove} />}
    </li>
  );

  return (
    <div className={`library${dragging ? ' is-dragging' : ''}`} data-testid="library" {...dropHandlers}>
      <header className="document-header">
        <h2 className="document-title" tabIndex={-1} data-panel-focus>
          收录的政策文件
        </h2>
        {state.status === 'ready' && <p className="document-meta">共 {state.documents.length} 份，点击可查看全文和目录。</p>}
      </header>
      {state.status === 'ready' && policy && (canChange ? (
        <UploadPanel policy={policy} uploads={changes.uploads} onFiles={changes.addFiles} onDismiss={changes.dismiss} onOpen={onOpen} />
      ) : (
        <p className="library-note">只能在运行本服务的电脑上添加或移除文件。</p>
      ))}
      {changes.removal && (
        <div className={`removal-status is-${changes.removal.status}`} role={changes.removal.status === 'error' ? 'alert' : 'status'} data-testid="removal-status">
          <span>
            {changes.removal.status === 'removing' && `正在移除${formatTitle(changes.removal.title)}…`}
            {changes.removal.status === 'done' && `已移除${formatTitle(changes.removal.title)}。原文件保存在文件库旁的“-removed”文件夹中，可以找回。`}
            {changes.removal.status === 'error' && `没有移除${formatTitle(changes.removal.title)}：${changes.removal.message}`}
          </span>
          {changes.removal.status !== 'removing' && (
            <button type="button" className="icon-button" aria-label="关闭提示" onClick={changes.clearRemoval}>
              <span aria-hidden="true">✕</span>
            </button>
          )}
        </div>
      )}
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
          {groupLibrary(state.documents).map((entry) =>
            entry.kind === 'document' ? (
              renderDocument(entry)
            ) : (
              <li key={`versions:${entry.newest}`} className="library-versions" data-testid="library-versions">
                <p className="library-versions-title">
                  {formatTitle(entry.title)} · {entry.versions.length} 个版本
                </p>
                <ul className="library-list">{entry.versions.map((version) => renderDocument(version, { version: version.document.id === entry.newest ? 'newest' : 'older' }))}</ul>
              </li>
            ),
          )}
        </ul>
      )}
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          <p>松开即可添加到文件库</p>
        </div>
      )}
    </div>
  );
}

interface RemoveControlProps {
  document: DocumentSummary;
  confirming: boolean;
  busy: boolean;
  onConfirm: (id: string | null) => void;
  onRemove: (document: DocumentSummary) => void;
}

/** “移除” on a library entry, asking once before the document leaves the library. */
function RemoveControl({ document, confirming, busy, onConfirm, onRemove }: RemoveControlProps) {
  if (!confirming) {
    return (
      <button type="button" className="text-button library-remove" data-testid="remove-document" aria-label={`移除${formatTitle(document.title)}`} disabled={busy} onClick={() => onConfirm(document.id)}>
        移除
      </button>
    );
  }
  return (
    <div className="library-confirm" role="group" aria-label={`确认移除${formatTitle(document.title)}`}>
      <span>从文件库移除这份文件？移除后不再用它回答问题，原文件会保留在服务器上。</span>
      <span className="library-confirm-actions">
        <button
          type="button"
          className="button button-danger"
          data-testid="confirm-remove"
          disabled={busy}
          onClick={() => {
            onConfirm(null);
            onRemove(document);
          }}
        >
          移除
        </button>
        <button type="button" className="button button-secondary" onClick={() => onConfirm(null)}>
          取消
        </button>
      </span>
    </div>
  );
}
