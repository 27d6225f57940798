// “添加文件”: a drop area with a file picker, and one row per file sent — uploading with its share,
// indexing, added (with a link to open it), or the reason it was refused.
import { useId, useRef } from 'react';
import { formatTitle } from '../../../lib/format';
import type { UploadPolicy } from '../api/types';
import type { UploadItem } from '../hooks/use-library-changes';

interface UploadPanelProps {
  policy: UploadPolicy;
  uploads: readonly UploadItem[];
  onFiles: (files: File[]) => void;
  onDismiss: (key: string) => void;
  onOpen: (documentId: string) => void;
}

const statusLabels: Record<UploadItem['status'], string> = {
  waiting: '等待上传',
  uploading: '正在上传',
  indexing: '正在建立索引…',
  done: '已加入文件库',
  error: '未添加',
};

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The accepted extensions as people name them: .txt .md .html .docx .pdf */
function shownExtensions(extensions: readonly string[]): string {
  return extensions.filter((extension) => !['.markdown', '.htm'].includes(extension)).join(' ');
}

export function UploadPanel({ policy, uploads, onFiles, onDismiss, onOpen }: UploadPanelProps) {
  const inputRef = useRef<HTMLInputElement>(null);
  const hintId = useId();
  return (
    <section className="upload" aria-label="添加文件" data-testid="upload-panel">
      <div className="upload-drop">
        <button type="button" className="button button-primary upload-button" data-testid="add-files" aria-describedby={hintId} onClick={() => inputRef.current?.click()}>
          <span aria-hidden="true">＋</span> 添加文件
        </button>
        <p className="upload-hint" id={hintId}>
          <span className="upload-hint-drop">可把文件拖到这里，一次可选多个。</span>
          <span>
            支持 {shownExtensions(policy.extensions)}，单个不超过 {Math.round(policy.maxFileBytes / 1024 / 1024)} MB。
          </span>
        </p>
        <input
          ref={inputRef}
          type="file"
          multiple
          hidden
          accept={policy.extensions.join(',')}
          data-testid="file-input"
          onChange={(event) => {
            onFiles([...(event.target.files ?? [])]);
            event.target.value = '';
          }}
        />
      </div>
      {uploads.length > 0 && (
        <ul className="upload-list" aria-live="polite" data-testid="upload-list">
          {uploads.map((item) => (
            <li key={item.key} className={`upload-item is-${item.status}`} data-testid="upload-item" data-status={item.status}>
              <div className="upload-item-main">
                <span className="upload-name">{item.status === 'done' && item.document ? formatTitle(item.document.title) : item.name}</span>
                <span className="upload-state">
                  {item.status === 'uploading' ? `${statusLabels.uploading} ${Math.round(item.progress * 100)}%` : statusLabels[item.status]}
                  {item.status !== 'done' && item.status !== 'error' && <span className="upload-size"> · {formatBytes(item.size)}</span>}
                </span>
                {(item.status === 'uploading' || item.status === 'indexing') && (
                  <span className={`upload-progress${item.status === 'indexing' ? ' is-indeterminate' : ''}`} aria-hidden="true">
                    <span style={{ width: `${Math.round((item.status === 'indexing' ? 1 : item.progress) * 100)}%` }} />
                  </span>
                )}
                {item.status === 'error' && (
                  <span className="upload-error" role="alert">
                    {item.message}
                  </span>
                )}
              </div>
              <div className="upload-actions">
                {item.status === 'done' && item.document && (
                  <button type="button" className="text-button" onClick={() => onOpen(item.document!.id)}>
                    查看
                  </button>
                )}
                {(item.status === 'done' || item.status === 'error') && (
                  <button type="button" className="icon-button upload-dismiss" aria-label={`不再显示“${item.name}”`} onClick={() => onDismiss(item.key)}>
                    <span aria-hidden="true">✕</span>
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
