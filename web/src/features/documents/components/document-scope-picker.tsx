// “检索范围” picker: restrict questions to chosen documents, or to every document of a region.
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { formatTitle } from '../../../lib/format';
import type { DocumentSummary } from '../api/types';
import { regionsOf } from '../hooks/use-document-scope';

interface DocumentScopePickerProps {
  documents: readonly DocumentSummary[] | null;
  selected: readonly string[];
  onToggle: (ids: readonly string[], on: boolean) => void;
  onClear: () => void;
}

export function DocumentScopePicker({ documents, selected, onToggle, onClear }: DocumentScopePickerProps) {
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelId = useId();
  const chosen = new Set(selected);

  const regions = useMemo(() => {
    const byRegion = new Map<string, string[]>();
    for (const document of documents ?? []) {
      for (const region of regionsOf(document)) byRegion.set(region, [...(byRegion.get(region) ?? []), document.id]);
    }
    return [...byRegion.entries()].sort(([a], [b]) => a.localeCompare(b, 'zh-CN'));
  }, [documents]);

  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);

  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };

  const label = selected.length === 0 ? '全部文件' : `已选 ${selected.length} 份文件`;

  return (
    <div
      className="scope-picker"
      ref={rootRef}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && open) {
          event.stopPropagation();
          close();
        }
      }}
    >
      <button
        ref={buttonRef}
        type="button"
        className={`scope-button${selected.length > 0 ? ' is-active' : ''}`}
        data-testid="scope-button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={`检索范围：${label}`}
        onClick={() => setOpen((value) => !value)}
      >
        <span className="scope-button-label">范围</span>
        <span className="scope-button-value">{label}</span>
        <span aria-hidden="true" className="chevron">
          ▾
        </span>
      </button>
      {open && (
        <div className="scope-panel" id={panelId} role="dialog" aria-label="选择检索范围" data-testid="scope-panel">
          <div className="scope-body">
            <p className="scope-help">只在选中的文件里查找答案。不选则检索全部文件。</p>
            {documents === null ? (
              <p className="scope-help">文件列表加载中…</p>
            ) : (
              <>
                {regions.length > 0 && (
                  <fieldset className="scope-group">
                    <legend>按地区</legend>
                    <div className="chips">
                      {regions.map(([region, ids]) => {
                        const all = ids.every((id) => chosen.has(id));
                        return (
                          <button key={region} type="button" className="chip" aria-pressed={all} onClick={() => onToggle(ids, !all)}>
                            {region}
                          </button>
                        );
                      })}
                    </div>
                  </fieldset>
                )}
                <fieldset className="scope-group">
                  <legend>按文件</legend>
                  <ul className="scope-documents">
                    {documents.map((document) => (
                      <li key={document.id}>
                        <label className="scope-document">
                          <input type="checkbox" checked={chosen.has(document.id)} onChange={(event) => onToggle([document.id], event.target.checked)} />
                          <span>
                            <span className="scope-document-title">{formatTitle(document.title)}</span>
                            {document.region && <span className="scope-document-region">{document.region}</span>}
                          </span>
                        </label>
                      </li>
                    ))}
                  </ul>
                </fieldset>
              </>
            )}
          </div>
          <div className="scope-actions">
            <button type="button" className="text-button" onClick={onClear} disabled={selected.length === 0}>
              检索全部文件
            </button>
            <button type="button" className="button button-primary" onClick={close}>
              完成
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
