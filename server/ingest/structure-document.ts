// Structure: finds the heading tree (一、 / （一） / (8) / 1. / —— lead-ins / title lines) of a cleaned text.
import type { Section } from '../rag/types.js';

/** A paragraph-level span of the text with the heading path it sits under. */
export interface Block {
  start: number;
  end: number;
  /** Headings from the top down to (and including) this block's own heading, if it has one. */
  path: string[];
  /** True when the block is only a heading line, with no body text of its own. */
  headingOnly: boolean;
}

export interface DocumentStructure {
  blocks: Block[];
  sections: Section[];
}

type Kind = 'numbered' | 'title' | 'body';

interface RawBlock {
  start: number;
  end: number;
  text: string;
  kind: Kind;
  level: number;
  heading?: string;
  headingOnly: boolean;
  style?: NumberingStyle;
}

const cn = '[一二三四五六七八九十百零〇]+';
/**
 * Numbering styles in their customary nesting order. A document's levels come from the styles it
 * actually uses, so （一） sits under 第三条 in a 办法 and under 二、 in an 意见.
 */
const styles: { name: NumberingStyle; pattern: RegExp }[] = [
  { name: 'chapter', pattern: new RegExp(`^(第${cn}[章编]|第\\d+章|第${cn}部分)`) },
  { name: 'chinese', pattern: new RegExp(`^${cn}、`) },
  { name: 'article', pattern: new RegExp(`^(第${cn}条|第\\d+条)`) },
  { name: 'paren-chinese', pattern: new RegExp(`^[（(](${cn}|-)[)）]`) },
  { name: 'arabic', pattern: /^\d{1,2}[、.．](?!\d)/ },
  { name: 'paren-arabic', pattern: /^[（(]\d{1,2}[)）]/ },
];
type NumberingStyle = 'chapter' | 'chinese' | 'article' | 'paren-chinese' | 'arabic' | 'paren-arabic';
const leadIn = /^(——|一一|—)(?=\S)/;
/** Where a clause heading starts inside a run-on paragraph (a flattened web copy). */
const inlineHeading = new RegExp(`(?<=[。；;])\\s*(?=[（(](${cn}|-)[)）]|第${cn}条|${cn}、)`, 'g');
const terminal = /[。！？；!?;：:，,]$/;
const maxHeadingLength = 40;

/** Splits a cleaned document into heading-aware blocks and a section list with offsets. */
export function structureDocument(text: string): DocumentStructure {
  const raw = classify(splitBlocks(text), text);
  const used = styles.filter((style) => raw.some((block) => block.style === style.name)).map((style) => style.name);
  const levelOf = (style: NumberingStyle) => 2 + used.indexOf(style);
  for (const block of raw) if (block.style) block.level = levelOf(block.style);
  for (const block of raw) if (block.kind === 'body' && block.heading !== undefined) block.level = 2 + used.length;
  const hasTop = used.includes('chapter') || used.includes('chinese');
  assignTitleLevels(raw, hasTop ? 3 + used.length : 1);

  const blocks: Block[] = [];
  const sections: Section[] = [];
  const stack: { level: number; heading: string; style?: NumberingStyle; section: Section }[] = [];
  for (const block of raw) {
    if (block.heading !== undefined) {
      readMisprintedClause(block, stack[stack.length - 1]);
      while (stack.length > 0 && stack[stack.length - 1].level >= block.level) {
        stack.pop()!.section.end = block.start;
      }
      const path = [...stack.map((entry) => entry.heading), block.heading];
      const section: Section = { path, start: block.start, end: text.length };
      sections.push(section);
      stack.push({ level: block.level, heading: block.heading, style: block.style, section });
    }
    blocks.push({
      start: block.start,
      end: block.end,
      path: stack.map((entry) => entry.heading),
      headingOnly: block.headingOnly,
    });
  }
  return { blocks, sections };
}

const chineseDigits = '零一二三四五六七八九';

/** 1–99 as a Chinese numeral (八, 十二, 二十). */
function toChineseNumber(n: number): string {
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  if (tens === 0) return chineseDigits[ones];
  return `${tens === 1 ? '' : chineseDigits[tens]}十${ones === 0 ? '' : chineseDigits[ones]}`;
}

/** The value of a clause number such as （七） or （十二）; undefined for anything else. */
function clauseNumber(heading: string): number | undefined {
  const match = heading.match(/^（([一二三四五六七八九十]{1,3})）/);
  if (!match) return undefined;
  const value = match[1].split('十');
  if (value.length === 1) return chineseDigits.indexOf(value[0]);
  return (value[0] === '' ? 1 : chineseDigits.indexOf(value[0])) * 10 + (value[1] === '' ? 0 : chineseDigits.indexOf(value[1]));
}

/**
 * A "(8)" straight after "（七）" (no "(1)" … before it) is an OCR'd "（八）": the clause gets the
 * level and number of the sibling it really is.
 */
function readMisprintedClause(block: RawBlock, open: { level: number; heading: string; style?: NumberingStyle } | undefined): void {
  const arabic = block.style === 'paren-arabic' ? block.heading?.match(/^（(\d{1,2})）/) : null;
  if (!arabic || !open || open.style !== 'paren-chinese') return;
  const number = Number(arabic[1]);
  if (number < 2 || clauseNumber(open.heading) !== number - 1) return;
  block.level = open.level;
  block.style = 'paren-chinese';
  block.heading = `（${toChineseNumber(number)}）${block.heading!.slice(arabic[0].length)}`;
}

/** Paragraphs (separated by blank lines), further cut where a clause heading starts mid-paragraph. */
function splitBlocks(text: string): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  const paragraph = /[^\n]+(?:\n(?!\n)[^\n]+)*/g;
  for (const match of text.matchAll(paragraph)) {
    const start = match.index!;
    const end = start + match[0].length;
    const cuts = [start];
    for (const inline of match[0].matchAll(inlineHeading)) cuts.push(start + inline.index! + inline[0].length);
    cuts.push(end);
    for (let i = 0; i < cuts.length - 1; i++) {
      if (cuts[i + 1] > cuts[i]) spans.push({ start: cuts[i], end: cuts[i + 1] });
    }
  }
  return spans;
}

function classify(spans: { start: number; end: number }[], text: string): RawBlock[] {
  return spans.map(({ start, end }): RawBlock => {
    const line = text.slice(start, end);
    const block: RawBlock = { start, end, text: line, kind: 'body', level: 0, headingOnly: false };
    const short = line.length <= maxHeadingLength && !/[。！？；]/.test(line.slice(0, -1));
    const style = styles.find((candidate) => candidate.pattern.test(line));
    if (style) {
      const marker = line.match(style.pattern)![0];
      const rest = line.slice(marker.length).trim();
      // "第十条 本办法自…起施行。" is an article, not a title: its heading is the number alone.
      const untitledArticle = style.name === 'article' && (/[，,。；]/.test(rest.slice(0, -1)) || rest.length > 16);
      const heading = untitledArticle ? normaliseHeading(marker.trim()) : headingOf(line, style.pattern);
      // A list item ("（一）80—89周岁的，每人每月100元；") has body text of its own.
      const headingOnly = short && !untitledArticle && !/[，,；;：:]/.test(line);
      Object.assign(block, { kind: 'numbered', style: style.name, heading, headingOnly });
    } else if (leadIn.test(line)) {
      const heading = headingOf(line, leadIn);
      if (!heading.endsWith('…') && heading.length <= 30) block.heading = heading;
    } else if (short && !terminal.test(line) && !line.includes('\n')) {
      Object.assign(block, { kind: 'title', headingOnly: true });
    }
    return block;
  });
}

/** Heading text of a clause line: up to the first sentence end, or a shortened lead when too long. */
function headingOf(line: string, prefix: RegExp | null): string {
  const lead = prefix ? line.replace(prefix, '') : line;
  const cut = lead.search(/[。；;：:]|一一|——/);
  const headingEnd = cut === -1 ? line.length : line.length - lead.length + cut;
  const heading = line.slice(0, headingEnd).trim();
  if (heading.length <= maxHeadingLength) return normaliseHeading(heading);
  return normaliseHeading(line.slice(0, 16)) + '…';
}

/** Display form of a heading: half-width brackets folded to full width, OCR'd "(-)" read as （一）. */
function normaliseHeading(heading: string): string {
  return heading
    .replace(/^[（(]-[)）]/, '（一）')
    .replace(/^\(/, '（')
    .replace(/^（([^)）]{1,4})\)/, '（$1）')
    .replace(/^(——|一一|—)/, '')
    .trim();
}

/**
 * Standalone title lines get levels from what follows them. Title lines before the first body text
 * are the page's own header and stay out of heading paths. A run of titles followed by a numbered
 * clause groups clauses (level 1); a run followed by body text nests (1, 2, …), and a lone title
 * after such a run is a sibling of the run's last title.
 */
function assignTitleLevels(blocks: RawBlock[], base: number): void {
  let seenBody = false;
  let leafLevel: number | undefined;
  for (let i = 0; i < blocks.length; i++) {
    if (blocks[i].kind !== 'title') {
      seenBody = true;
      continue;
    }
    let j = i;
    while (j < blocks.length && blocks[j].kind === 'title') j++;
    // Deeper runs are photo captions or banners standing before the real headings: keep the last three.
    const run = blocks.slice(Math.max(i, j - 3), j);
    const next = blocks[j];
    if (!seenBody || !next) {
      i = j - 1;
      continue;
    }
    if (next.kind === 'numbered' && next.level < base) {
      run.forEach((title, n) => Object.assign(title, { level: Math.min(1 + n, next.level - 1 || 1), heading: normaliseHeading(title.text) }));
      leafLevel = undefined;
    } else if (run.length === 1) {
      run[0].level = leafLevel ?? base;
      run[0].heading = normaliseHeading(run[0].text);
    } else {
      run.forEach((title, n) => Object.assign(title, { level: base + n, heading: normaliseHeading(title.text) }));
      leafLevel = base + run.length - 1;
    }
    i = j - 1;
  }
}
