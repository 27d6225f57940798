// The comparison under an answer: one row per aspect, one column per document, each cell the cited
// sentence with its citation button or 未提及; what every document shares is stated above it.
import { useMemo } from 'react';
import { formatTitle } from '../../../lib/format';
import type { Citation, Comparison } from '../api/types';
import { shortTitle } from '../utils/short-title';
import { CitationButton } from './citation-button';
import { MaskedText } from './masked-text';

interface ComparisonTableProps {
  comparison: Comparison;
  citations: readonly Citation[];
  onOpenCitation: (citation: Citation) => void;
}

export function ComparisonTable({ comparison, citations, onOpenCitation }: ComparisonTableProps) {
  const { aspects, documents, cells, shared } = comparison;
  const byNumber = useMemo(() => new Map(citations.map((citation) => [citation.n, citation])), [citations]);
  const cellAt = useMemo(() => new Map(cells.map((cell) => [`${cell.aspect}:${cell.document}`, cell])), [cells]);
  if (aspects.length === 0 || documents.length === 0) return null;
  const sharedSet = new Set(shared);

  return (
    <section className="comparison" aria-label="对比" data-testid="comparison">
      <h3 className="comparison-title">对比</h3>
      {shared.length > 0 && (
        <p className="comparison-shared" data-testid="comparison-shared">
          {documents.length} 份文件都提到：
          {shared.map((aspect, index) => (
            <span key={aspect}>
              {index > 0 && '、'}
              <strong>{aspect}</strong>
            </span>
          ))}
        </p>
      )}
      {/* Wide tables scroll here, never the page; focusable so keyboard users can scroll it too. */}
      <div className="comparison-scroll" data-testid="comparison-scroll" role="region" aria-label="对比表，可左右滚动" tabIndex={0}>
        <table className="comparison-table" data-testid="comparison-table">
          <thead>
            <tr>
              <th scope="col" className="comparison-aspect">
                方面
              </th>
              {documents.map((document) => (
                <th key={document.id} scope="col" title={formatTitle(document.title)} aria-label={formatTitle(document.title)} data-document-id={document.id}>
                  {shortTitle(document.title)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {aspects.map((aspect, a) => (
              <tr key={`${a}:${aspect}`}>
                <th scope="row" className="comparison-aspect">
                  {aspect}
                  {sharedSet.has(aspect) && (
                    <span className="shared-tag" title="每份文件都有相关引文">
                      共同
                    </span>
                  )}
                </th>
                {documents.map((document, d) => {
                  const cell = cellAt.get(`${a}:${d}`);
                  const citation = cell?.citation !== undefined ? byNumber.get(cell.citation) : undefined;
                  return (
                    <td key={document.id} data-testid="comparison-cell">
                      {cell?.text ? (
                        <>
                          <MaskedText text={cell.text} />
                          {citation && <CitationButton citation={citation} onOpen={onOpenCitation} />}
                        </>
                      ) : (
                        <span className="not-mentioned">未提及</span>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
