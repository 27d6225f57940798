// “云南 · 2021-12-31” with each part kept whole when the line wraps.
import { Fragment } from 'react';

interface MetaLineProps {
  parts: (string | undefined | null)[];
  className: string;
  as?: 'p' | 'span';
}

export function MetaLine({ parts, className, as: Element = 'span' }: MetaLineProps) {
  const present = parts.filter((part): part is string => Boolean(part && part.trim()));
  if (present.length === 0) return null;
  return (
    <Element className={className}>
      {present.map((part, index) => (
        <Fragment key={index}>
          {index > 0 && " · "}
          <span className={part.length <= 16 ? 'meta-part' : undefined}>{part}</span>
        </Fragment>
      ))}
    </Element>
  );
}
