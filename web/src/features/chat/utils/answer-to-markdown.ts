// Turns an answer into Markdown for other documents: question and date, notes, the answer with
// footnotes, and a comparison as a Markdown table whose cells carry footnote markers.
import { formatSectionPath, formatTitle } from '../../../lib/format';
import type { Citation, Comparison } from '../api/types';
import { markerPattern } from './cited-numbers';

export interface AnswerExport {
  /** The question as the user asked it. */
  question?: string;
  /** When the answer was given; printed as YYYY-MM-DD in local time. */
  date?: Date;
  answer: string;
  /** The citations to list as footnotes (those the answer, notes and table refer to). */
  citations: readonly Citation[];
  comparison?: Comparison;
  notes?: readonly string[];
}

/**
 * `[n]` markers become `[^n]` footnote references and each source follows as
 * `[^n]: 《title》› path：“quote”`. A comparison becomes a table, one row per aspect.
 */
export function answerToMarkdown({ question, date, answer, citations, comparison, notes = [] }: AnswerExport): string {
  const known = new Set(citations.map((citation) => citation.n));
  const parts: string[] = [];
  if (question?.trim()) parts.push(`问题：${oneLine(question)}`);
  if (date) parts.push(`日期：${formatDate(date)}`);
  if (notes.length > 0) parts.push(notes.map((note) => `> ${escapeMasked(footnoteReferences(oneLine(note), known))}`).join('\n>\n'));
  parts.push(hardLineBreaks(escapeMasked(footnoteReferences(answer.trim(), known))));
  if (comparison && comparison.documents.length > 0 && comparison.aspects.length > 0) parts.push(comparisonTable(comparison, known));
  if (citations.length > 0) {
    const footnotes = [...citations]
      .sort((a, b) => a.n - b.n)
      .map((citation) => {
        const path = formatSectionPath(citation.section);
        const version = citation.version ? `（${citation.version.label}${citation.version.superseded ? '，已修订' : ''}）` : '';
        return `[^${citation.n}]: ${formatTitle(citation.title)}${version}${path ? `› ${path}` : ''}：“${escapeMasked(oneLine(citation.quote))}”`;
      });
    parts.push(footnotes.join('\n'));
  }
  const markdown = parts.filter(Boolean).join('\n\n');
  return citations.length > 0 ? `${markdown}\n` : markdown;
}

/**
 * The answer's lines within a paragraph (each cited article or item starts one) stay lines in other
 * Markdown readers, which join a single line break into the paragraph: they end in a hard break.
 */
function hardLineBreaks(markdown: string): string {
  const lines = markdown.split('\n');
  const plain = (line: string | undefined) => line !== undefined && line.trim() !== '' && !/^\s*(?:[-*+>#|]|\d+[.)]\s)/.test(line);
  return lines.map((line, i) => (plain(line) && plain(lines[i + 1]) ? `${line}  ` : line)).join('\n');
}

/** YYYY-MM-DD in the reader's time zone. */
export function formatDate(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function comparisonTable(comparison: Comparison, known: ReadonlySet<number>): string {
  const { aspects, documents, cells, shared } = comparison;
  const cellAt = new Map(cells.map((cell) => [`${cell.aspect}:${cell.document}`, cell]));
  const row = (values: string[]) => `| ${values.join(' | ')} |`;
  const lines = [
    row(['方面', ...documents.map((document) => tableText(formatTitle(document.title)))]),
    row(['---', ...documents.map(() => '---')]),
    ...aspects.map((aspect, a) =>
      row([
        tableText(aspect),
        ...documents.map((_, d) => {
          const cell = cellAt.get(`${a}:${d}`);
          if (!cell?.text) return '未提及';
          const marker = cell.citation !== undefined && known.has(cell.citation) ? `[^${cell.citation}]` : '';
          return `${tableText(cell.text)}${marker}`;
        }),
      ]),
    ),
  ];
  const heading = shared.length > 0 ? `**对比**（各文件都提到：${shared.map(tableText).join('、')}）` : '**对比**';
  return `${heading}\n\n${lines.join('\n')}`;
}

/** `[n]` → `[^n]` where every number is a known citation; other brackets stay as written. */
function footnoteReferences(text: string, known: ReadonlySet<number>): string {
  return text.replace(markerPattern, (whole, numbers: string) => {
    const list = numbers.split(/\s*[,，、]\s*/).map(Number);
    return list.every((n) => known.has(n)) ? list.map((n) => `[^${n}]`).join('') : whole;
  });
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Text inside a table cell: one line, pipes escaped. */
function tableText(text: string): string {
  return escapeMasked(oneLine(text).replace(/\|/g, '\\|'));
}

/** A masked "*" (省*府) would start emphasis in Markdown; "**" bold is left alone. */
function escapeMasked(text: string): string {
  return text.replace(/(?<=\p{Script=Han})\*(?!\*)|(?<![*\\])\*(?=\p{Script=Han})/gu, '\\*');
}
