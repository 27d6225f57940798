// The source panel: one document with its outline, the cited clause highlighted and scrolled into view.
import { type ReactNode, useEffect, useMemo, useRef } from 'react';
import { describeError } from '../../../lib/api-error';
import { formatSectionPath, formatTitle } from '../../../lib/format';
import type { DocumentDetail } from '../api/types';
import { useDocument } from '../hooks/use-document';
import { resolveHighlight } from '../utils/split-document-text';
import { DocumentText } from './document-text';
import { MetaLine } from './meta-line';

/** A cited span to show; offsets index the document's `text`. */
export interface SourceHighlight {
  start: number;
  end: number;
  quote: string;
  section: string[];
  /** The citation number, shown as “出处 n”. */
  n: number;
}

interface SourcePanelProps {
  documentId: string;
  highlight?: SourceHighlight;
  /** Present when the document was opened from the library: shows a way back. */
  onBack?: () => void;
}

export function SourcePanel({ documentId, highlight, onBack }: SourcePanelProps) {
  const { state, reload } = useDocument(documentId);
  const backButton = onBack && (
    <button type="button" className="text-button back-button" onClick={onBack}>
      <span aria-hidden="true">‹</span> 返回文件库
    </button>
  );
  return (
    <div className="source-panel" data-testid="source-panel" data-document-id={documentId}>
      {state.status === 'ready' ? (
        <LoadedDocument document={state.document} highlight={highlight} outlineOpen={!highlight} backButton={backButton} />
      ) : (
        <div className="source-scroll">
          {backButton}
          {state.status === 'loading' && (
            <p className="panel-status" role="status">
              正在打开文件…
            </p>
          )}
          {state.status === 'error' && (
            <div className="panel-error" role="alert">
              <p>{describeError(state.error)}</p>
              <button type="button" className="button button-secondary" onClick={reload}>
                重试
              </button>
            </div>
          )}
        </div>
      )}
    </div>
  );
}

function LoadedDocument({ document, highlight, outlineOpen, backButton }: { document: DocumentDetail; highlight?: SourceHighlight; outlineOpen: boolean; backButton?: ReactNode }) {
  const markRef = useRef<HTMLElement>(null);
  const textRef = useRef<HTMLDivElement>(null);
  const range = useMemo(() => (highlight ? resolveHighlight(document.text, highlight) : null), [document.text, highlight]);
  const currentSection = useMemo(() => {
    if (!range) return -1;
    let best = -1;
    document.sections.forEach((section, index) => {
      if (section.start <= range.start && range.start < section.end && (best === -1 || section.path.length >= document.sections[best].path.length)) best = index;
    });
    return best;
  }, [document.sections, range]);

  const scrollToMark = (behavior: ScrollBehavior) => markRef.current?.scrollIntoView({ block: 'center', behavior });

  useEffect(() => {
    if (range) {
      // Wait a frame so the panel has its final size (it may just have opened).
      const frame = requestAnimationFrame(() => scrollToMark('auto'));
      return () => cancelAnimationFrame(frame);
    }
    textRef.current?.closest('.source-scroll')?.scrollTo({ top: 0 });
  }, [range, document.id]);

  const scrollToSection = (index: number) => {
    const anchor = textRef.current?.querySelector<HTMLElement>(`[data-section-index="${index}"]`);
    anchor?.scrollIntoView({ block: 'start', behavior: 'smooth' });
  };

  const path = highlight ? formatSectionPath(highlight.section) : '';

  return (
    <>
      {/* Above the scrolling text, not over it: the banner never hides a line of the document. */}
      {highlight && (
        <div className="cited-callout" data-testid="cited-callout">
          <p className="cited-label">
            <strong>出处 {highlight.n}</strong>
            <span className="cited-source">
              {formatTitle(document.title)}
              {path && ` › ${path}`}
            </span>
          </p>
          {range ? (
            <button type="button" className="text-button" onClick={() => scrollToMark('smooth')}>
              定位到原文
            </button>
          ) : (
            <p className="cited-missing">未能在原文中定位这段引文，请参考下方全文。</p>
          )}
        </div>
      )}

      <div className="source-scroll">
        {backButton}
        <header className="document-header">
          <h2 className="document-title" tabIndex={-1} data-panel-focus>
            {formatTitle(document.title)}
          </h2>
          <MetaLine parts={[document.region, document.issuer, document.date]} className="document-meta" as="p" />
        </header>

        {document.sections.length > 0 && (
          <details className="outline" open={outlineOpen}>
            <summary>目录（{document.sections.length} 节）</summary>
            <nav aria-label="文件目录">
              <ol>
                {document.sections.map((section, index) => (
                  <li key={index} style={{ paddingInlineStart: `${(Math.min(section.path.length, 4) - 1) * 1.1}em` }}>
                    <button
                      type="button"
                      className="outline-item"
                      aria-current={index === currentSection ? 'location' : undefined}
                      onClick={() => scrollToSection(index)}
                    >
                      {section.path[section.path.length - 1] ?? '（无标题）'}
                    </button>
                  </li>
                ))}
              </ol>
            </nav>
          </details>
        )}

        <div ref={textRef}>
          <DocumentText text={document.text} sections={document.sections} highlight={range} markRef={markRef} />
        </div>
      </div>
    </>
  );
}
