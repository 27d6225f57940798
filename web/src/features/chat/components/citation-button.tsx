// An inline [n] marker: hover or focus shows the quoted clause, click opens it in the source panel.
import { useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import { formatSectionPath, formatTitle } from '../../../lib/format';
import type { Citation } from '../api/types';

interface CitationButtonProps {
  citation: Citation;
  onOpen: (citation: Citation) => void;
}

export function CitationButton({ citation, onOpen }: CitationButtonProps) {
  const [open, setOpen] = useState(false);
  const [position, setPosition] = useState<{ left: number; top: number; below: boolean } | null>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const tooltipRef = useRef<HTMLSpanElement>(null);
  const tooltipId = useId();
  const path = formatSectionPath(citation.section);

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
        aria-label={`出处 ${citation.n}：${formatTitle(citation.title)}${path ? ` › ${path}` : ''}，点击查看原文`}
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
          <span className="citation-tooltip-quote">“{citation.quote.trim()}”</span>
          <span className="citation-tooltip-hint">点击查看原文</span>
        </span>
      )}
    </span>
  );
}
