// The page: header, chat column, and the side panel that shows the library or a cited document.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Citation } from './features/chat/api/types';
import { ChatPanel } from './features/chat/components/chat-panel';
import { useChat } from './features/chat/hooks/use-chat';
import { useExampleQuestions } from './features/chat/hooks/use-example-questions';
import { DocumentScopePicker } from './features/documents/components/document-scope-picker';
import { LibraryView } from './features/documents/components/library-view';
import { type SourceHighlight, SourcePanel } from './features/documents/components/source-panel';
import { useDocumentScope } from './features/documents/hooks/use-document-scope';
import { useDocuments } from './features/documents/hooks/use-documents';
import { HealthStatus } from './features/health/components/health-status';

type Panel =
  | { view: 'library' }
  | { view: 'document'; documentId: string; highlight?: SourceHighlight; fromLibrary: boolean };

export function App() {
  const library = useDocuments();
  const documents = library.state.status === 'ready' ? library.state.documents : null;
  const scope = useDocumentScope(documents);
  const chat = useChat({ documents: scope.selected });
  const examples = useExampleQuestions(library.state, scope.selected);
  const [panel, setPanel] = useState<Panel | null>(null);
  const returnFocusRef = useRef<HTMLElement | null>(null);
  const panelRef = useRef<HTMLElement>(null);

  const openPanel = useCallback((next: Panel) => {
    if (document.activeElement instanceof HTMLElement && !panelRef.current?.contains(document.activeElement)) {
      returnFocusRef.current = document.activeElement;
    }
    setPanel(next);
  }, []);

  const openCitation = useCallback(
    (citation: Citation) =>
      openPanel({
        view: 'document',
        documentId: citation.documentId,
        highlight: { start: citation.start, end: citation.end, quote: citation.quote, section: citation.section, n: citation.n },
        fromLibrary: false,
      }),
    [openPanel],
  );

  const closePanel = useCallback(() => {
    setPanel(null);
    const target = returnFocusRef.current;
    if (target?.isConnected) target.focus({ preventScroll: true });
  }, []);

  const panelKey = panel ? (panel.view === 'library' ? 'library' : `${panel.documentId}:${panel.highlight?.n ?? ''}:${panel.highlight?.start ?? ''}`) : '';

  // Move focus into the panel when it opens or shows something new, for keyboard and screen-reader users.
  useEffect(() => {
    if (!panelKey) return;
    const frame = requestAnimationFrame(() => panelRef.current?.querySelector<HTMLElement>('[data-panel-focus]')?.focus({ preventScroll: true }));
    return () => cancelAnimationFrame(frame);
  }, [panelKey]);

  return (
    <div className={`app${panel ? ' has-panel' : ''}`}>
      <header className="app-header">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <h1 className="brand-title">
            政策问答<span className="brand-sub"> · 条款引证</span>
          </h1>
        </div>
        <HealthStatus refreshKey={library.version} />
        <nav className="header-actions" aria-label="页面操作">
          <button
            type="button"
            className="header-button"
            aria-pressed={panel?.view === 'library'}
            data-testid="library-button"
            onClick={() => (panel?.view === 'library' ? closePanel() : openPanel({ view: 'library' }))}
          >
            文件库
          </button>
          <button type="button" className="header-button" data-testid="new-chat" disabled={chat.messages.length === 0} onClick={chat.reset}>
            新对话
          </button>
        </nav>
      </header>

      <main className="app-main">
        <ChatPanel
          chat={chat}
          onOpenCitation={openCitation}
          examples={examples}
          scopeControl={<DocumentScopePicker documents={documents} selected={scope.selected} onToggle={scope.toggle} onClear={scope.clear} />}
        />
        {panel && (
          <aside
            ref={panelRef}
            className="side-panel"
            aria-label={panel.view === 'library' ? '文件库' : '来源原文'}
            data-testid="side-panel"
            onKeyDown={(event) => {
              if (event.key === 'Escape') closePanel();
            }}
          >
            <div className="side-panel-bar">
              <span className="side-panel-kind">{panel.view === 'library' ? '文件库' : panel.highlight ? '来源原文' : '文件全文'}</span>
              <button type="button" className="icon-button" aria-label="关闭面板" data-testid="close-panel" onClick={closePanel}>
                <span aria-hidden="true">✕</span>
              </button>
            </div>
            <div className={`side-panel-body${panel.view === 'document' ? ' is-document' : ''}`} key={panelKey}>
              {panel.view === 'library' ? (
                <LibraryView
                  state={library.state}
                  onReload={library.reload}
                  onChanged={library.refresh}
                  onOpen={(documentId) => openPanel({ view: 'document', documentId, fromLibrary: true })}
                />
              ) : (
                <SourcePanel
                  documentId={panel.documentId}
                  highlight={panel.highlight}
                  onBack={panel.fromLibrary ? () => openPanel({ view: 'library' }) : undefined}
                />
              )}
            </div>
          </aside>
        )}
      </main>
    </div>
  );
}
