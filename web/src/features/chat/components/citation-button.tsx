// An inline [n] marker: hover or focus shows the quoted clause, click opens it in the source panel.
// A quote from a superseded version of a regulation carries a small 已修订 badge.
import { useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import { formatSectionPath, formatTitle } from '../../../lib/format';
import type { Citation } from '../api/types';
import { hasMaskedCharacters, maskedCharacterHint } from '../utils/masked-characters';
import { MaskedText } from './masked-text';

interface CitationButtonProps {
  citation: Citation;
  onOpen: (citation: Citation) => void;
  /** Shows 已修订 after a quote from a superseded version; off where the text around says so already. */
  revisedBadge?: boolean;
}

export function CitationButton({ citation, onOpen, revisedBadge = true }: CitationButtonProps) {
  const [open, setOpen] = useState(false);
  const [position, setPosition] = useState<{ left: number; top: number; below: boolean } | null>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const tooltipRef = useRef<HTMLSpanElement>(null);
  const tooltipId = useId();
  const path = formatSectionPath(citation.section);
  const version = citation.version;
  const versionText = version ? `${version.label}${version.superseded ? '，已被修订' : ''}` : '';

  useLayoutEffect(() => {
    if (!open || !buttonRef.current || !tooltipRef.current) return;
    const anchor = buttonRef.current.getBoundingClientRect();
    const tip = tooltipRef.current.getBoundingClientRect();
    const margin = 8;
    const left = Math.min(Math.max(margin, anchor.left + anchor.width / 2 - tip.width / 2), window.innerWidth - tip.width - margin);
    const below = anchor.top - tip.height - margin < 0;
    const top = below ? anchor.bottom + margin : anchor.top - tip.height - margin;
    setPosition({ left, top, below });
  }, [open]);

  const hide = () => {
    setOpen(false);
    setPosition(null);
  };

  // The tooltip is placed once; any scroll (page, chat column) would leave it floating elsewhere.
  useEffect(() => {
    if (!open) return;
    const onScroll = () => {
      setOpen(false);
      setPosition(null);
    };
    window.addEventListener('scroll', onScroll, { capture: true, passive: true });
    return () => window.removeEventListener('scroll', onScroll, { capture: true });
  }, [open]);

  return (
    <span className="citation">
      <button
        ref={buttonRef}
        type="button"
        className="citation-button"
        data-testid="citation"
        data-citation={citation.n}
        aria-label={`出处 ${citation.n}：${formatTitle(citation.title)}${versionText ? `（${versionText}）` : ''}${path ? ` › ${path}` : ''}，点击查看原文`}
        aria-describedby={open ? tooltipId : undefined}
        onMouseEnter={() => setOpen(true)}
        onMouseLeave={hide}
        onFocus={() => setOpen(true)}
        onBlur={hide}
        onKeyDown={(event) => {
          if (event.key === 'Escape' && open) {
            event.stopPropagation();
            hide();
          }
        }}
        onClick={() => {
          hide();
          onOpen(citation);
        }}
      >
        {citation.n}
      </button>
      {revisedBadge && version?.superseded && (
        <span className="revised-badge" data-testid="revised-badge" title={`引自${version.label}，该版本已被修订`} aria-hidden="true">
          已修订
        </span>
      )}
      {open && (
        <span
          ref={tooltipRef}
          id={tooltipId}
          role="tooltip"
          data-testid="citation-tooltip"
          className={`citation-tooltip${position?.below ? ' is-below' : ''}`}
          style={position ? { left: position.left, top: position.top } : { visibility: 'hidden', left: 0, top: 0 }}
        >
          <span className="citation-tooltip-source">
            {formatTitle(citation.title)}
            {path && <span className="citation-tooltip-path"> › {path}</span>}
          </span>
          {version && (
            <span className={`citation-tooltip-version${version.superseded ? ' is-superseded' : ''}`} data-testid="citation-tooltip-version">
              {version.label}
              {version.superseded && '（已修订，此处为旧版原文）'}
            </span>
          )}
          <span className="citation-tooltip-quote">
            “<MaskedText text={citation.quote.trim()} />”
          </span>
          {hasMaskedCharacters(citation.quote) && <span className="citation-tooltip-hint">“*”为{maskedCharacterHint}，按原文照录。</span>}
          <span className="citation-tooltip-hint">点击查看原文</span>
        </span>
      )}
    </span>
  );
}
