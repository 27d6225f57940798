// Renders parsed answer Markdown as React elements: no HTML strings, citations as buttons.
import { Fragment, type ReactNode, useMemo } from 'react';
import type { Citation, Verification } from '../api/types';
import { type Inline, parseAnswer } from '../utils/parse-answer';
import { CitationButton } from './citation-button';
import { MaskedText } from './masked-text';

interface AnswerBodyProps {
  markdown: string;
  citations: readonly Citation[];
  verification?: Pick<Verification, 'sentences'>;
  onOpenCitation: (citation: Citation) => void;
}

const unsupportedExplanation = '核验未通过：这句话没能在所引条款中找到直接依据，请点开出处核对原文。';

export function AnswerBody({ markdown, citations, verification, onOpenCitation }: AnswerBodyProps) {
  const byNumber = useMemo(() => new Map(citations.map((citation) => [citation.n, citation])), [citations]);
  const blocks = useMemo(
    () =>
      parseAnswer(markdown, {
        citationNumbers: new Set(byNumber.keys()),
        unsupportedSentences: verification?.sentences.filter((sentence) => sentence.supported === false).map((sentence) => sentence.text),
      }),
    [markdown, byNumber, verification],
  );

  const renderInline = (nodes: Inline[]) => <InlineContent nodes={nodes} byNumber={byNumber} onOpenCitation={onOpenCitation} />;

  return (
    <div className="answer-body">
      {blocks.map((block, index) => {
        if (block.type === 'heading') {
          const Heading = `h${block.level + 1}` as 'h3' | 'h4' | 'h5';
          return <Heading key={index}>{renderInline(block.children)}</Heading>;
        }
        if (block.type === 'list') {
          const List = block.ordered ? 'ol' : 'ul';
          return (
            <List key={index}>
              {block.items.map((item, itemIndex) => (
                <li key={itemIndex}>{renderInline(item)}</li>
              ))}
            </List>
          );
        }
        return (
          <p key={index}>
            {block.lines.map((line, lineIndex) => (
              <Fragment key={lineIndex}>
                {lineIndex > 0 && <br />}
                {renderInline(line)}
              </Fragment>
            ))}
          </p>
        );
      })}
    </div>
  );
}

interface InlineContentProps {
  nodes: Inline[];
  byNumber: ReadonlyMap<number, Citation>;
  onOpenCitation: (citation: Citation) => void;
  /** False in notes, which say in words that a version is superseded. */
  revisedBadges?: boolean;
}

/** One line of parsed answer text: text, bold, http(s) links, citation buttons, flagged sentences. */
export function InlineContent({ nodes, byNumber, onOpenCitation, revisedBadges = true }: InlineContentProps): ReactNode {
  const render = (children: Inline[]): ReactNode =>
    children.map((node, index) => {
      switch (node.type) {
        case 'text':
          return <MaskedText key={index} text={node.text} />;
        case 'strong':
          return <strong key={index}>{render(node.children)}</strong>;
        case 'link':
          return (
            <a key={index} href={node.href} target="_blank" rel="noopener noreferrer nofollow">
              {render(node.children)}
            </a>
          );
        case 'citation': {
          const citation = byNumber.get(node.n);
          return citation ? <CitationButton key={index} citation={citation} onOpen={onOpenCitation} revisedBadge={revisedBadges} /> : <Fragment key={index}>[{node.n}]</Fragment>;
        }
        case 'unsupported':
          return (
            <span key={index} className="unsupported" data-testid="unsupported-sentence">
              {render(node.children)}
              <span className="unsupported-badge" title={unsupportedExplanation} aria-label={`未核实。${unsupportedExplanation}`} role="note" tabIndex={0}>
                未核实
              </span>
            </span>
          );
      }
    });
  return render(nodes);
}
