// Structure: the heading tree of a cleaned text — numbered headings (第一章, 第一节, 一、, 第一条, （一）,
// 1., (1)) at line starts and inside run-on lines of flattened web copies, standalone title lines and
// "——" lead-ins — with exact offsets.
import type { Section } from '../rag/types.js';

/** A span of the text that sits under one heading path. */
export interface Block {
  start: number;
  end: number;
  /** Headings from the top down to (and including) this block's own heading, if it has one. */
  path: string[];
  /** True when the block is only a heading line, with no body text of its own. */
  headingOnly: boolean;
  /** Nesting level of the heading the block opens (1 = outermost); undefined for body text. */
  level?: number;
  /** The numbering style of the heading the block opens. */
  style?: NumberingStyle;
  /** What kind of heading the block opens: a numbered clause, a standalone title line, a "——" lead-in. */
  kind?: 'numbered' | 'title' | 'lead-in';
  /**
   * The heading is a division that always stands alone (a part, chapter, section, article, a title
   * line, or a numbering a document uses above its articles), rather than a clause that may share a
   * chunk with its siblings.
   */
  hard?: boolean;
}

export interface DocumentStructure {
  blocks: Block[];
  sections: Section[];
}

export type NumberingStyle = 'part' | 'chapter' | 'section' | 'chinese' | 'article' | 'paren-chinese' | 'arabic' | 'paren-arabic';


const cnDigits = '零〇一二三四五六七八九十百';
const cn = `[${cnDigits}两]+`;
/**
 * Numbering styles in their customary nesting order. A document's levels come from the styles it
 * actually uses, so （一） sits under 第三条 in a regulation and under 二、 in an opinion.
 */
const styles: { name: NumberingStyle; pattern: RegExp }[] = [
  { name: 'part', pattern: new RegExp(`^第${cn}[编部分]{1,2}(?![分])`) },
  { name: 'chapter', pattern: new RegExp(`^第(?:${cn}|\\d{1,3})章`) },
  { name: 'section', pattern: new RegExp(`^第(?:${cn}|\\d{1,3})节`) },
  { name: 'chinese', pattern: new RegExp(`^${cn}、(?![${cnDigits}]+、)`) },
  { name: 'article', pattern: new RegExp(`^第(?:${cn}|\\d{1,3})条(?![例件款])`) },
  { name: 'paren-chinese', pattern: new RegExp(`^[（(](?:${cn}|-)[)）]`) },
  { name: 'arabic', pattern: /^\d{1,2}[、.．](?![\d.．])(?=\s*[\p{Script=Han}“"《（(A-Za-z])/u },
  { name: 'paren-arabic', pattern: /^[（(]\d{1,2}[)）]/ },
];
const structuralStyles: ReadonlySet<NumberingStyle> = new Set(['part', 'chapter', 'section']);
const styleRank = new Map(styles.map((style, i) => [style.name, i]));

/** Where a numbered heading may start inside a run-on line: any style's marker. */
const inlineMarker = new RegExp(styles.map((style) => style.pattern.source.slice(1)).join('|'), 'gu');
/** A character after which a marker starts a new clause: a sentence end, a colon or a space. */
const strongBoundary = /[。；;：:！？!?\s]/;
const leadIn = /^(——|一一|—)(?=\S)/;
/** A date, document number or promulgation note: a header line, never a heading ("2018年12月18日 国务院令第707号修订"). */
const metadataLine = /\d{4}\s*年\s*\d{1,2}\s*月|[一二三四五六七八九〇零○]{4}年[一二三四五六七八九十]{1,2}月|\d{4}-\d{1,2}-\d{1,2}|[〔[［(（]\d{4}[〕\]］)）]|令第.{1,6}号|(?:公布|施行|修订|修正|通过|印发)[）)]?$/;
const terminal = /[。！？；!?;：:，,]$/;
const maxHeadingLength = 40;
/** Longest run of heading words a bracketed marker may follow without punctuation ("一、总体要求（一）…"). */
const maxRunIn = 24;
/** How many clause numbers a run may skip and still be the same run. */
const maxGap = 3;

interface RawBlock {
  start: number;
  end: number;
  text: string;
  kind: 'numbered' | 'title' | 'meta' | 'body';
  level: number;
  heading?: string;
  headingOnly: boolean;
  style?: NumberingStyle;
  number?: number;
}

/** Splits a cleaned document into heading-aware blocks and a section list with offsets. */
export function structureDocument(text: string): DocumentStructure {
  const raw = classify(splitBlocks(text), text);
  const used = nestingOrder(raw);
  // Divisions down to the article (or, in a text without articles, its outermost numbering) stand alone.
  // Parts, chapters, sections and articles stand alone; smaller clauses (一、 （一） 1.) pack with their
  // siblings, so a notice of short clauses does not fall apart into fragments.
  const lastHard = used.indexOf('article');
  const isHard = (style: NumberingStyle) => structuralStyles.has(style) || used.indexOf(style) <= lastHard;
  const levelOf = (style: NumberingStyle) => 2 + used.indexOf(style);
  for (const block of raw) if (block.style) block.level = levelOf(block.style);
  for (const block of raw) if (block.kind === 'body' && block.heading !== undefined) block.level = 2 + used.length;
  const hasTop = used.some((style) => style === 'part' || style === 'chapter' || style === 'chinese');
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
      ...(block.heading !== undefined
        ? {
            level: block.level,
            style: block.style,
            kind: block.kind === 'numbered' || block.kind === 'title' ? block.kind : 'lead-in',
            hard: block.kind === 'title' || (block.style !== undefined && isHard(block.style)),
          }
        : {}),
    });
  }
  return { blocks, sections };
}

/**
 * The styles a document uses, outermost first. Parts, chapters and sections always enclose the rest;
 * the other styles nest in the order the document first uses them, so "一、…" items inside an article
 * (a tax regulation's list of exemptions) sit under 第五条 instead of above every later article.
 */
function nestingOrder(blocks: RawBlock[]): NumberingStyle[] {
  const first = new Map<NumberingStyle, number>();
  const firstNumber = new Map<NumberingStyle, number | undefined>();
  blocks.forEach((block, i) => {
    if (block.style && !first.has(block.style)) {
      first.set(block.style, i);
      firstNumber.set(block.style, block.number);
    }
  });
  const structural = (style: NumberingStyle) => structuralStyles.has(style);
  // A （二） seen before any 一、 does not put （…） above 一、 when the text's first （…） is not （一）:
  // the opening of the text was lost (a web copy's first page), so the customary order stands.
  const customary = (a: NumberingStyle, b: NumberingStyle) => {
    const pair = new Set([a, b]);
    if (!pair.has('chinese') || !pair.has('paren-chinese')) return false;
    const number = firstNumber.get('paren-chinese');
    return number !== undefined && number > 1 && first.get('paren-chinese')! < first.get('chinese')!;
  };
  return [...first.keys()].sort((a, b) => {
    if (structural(a) || structural(b)) return structural(a) && structural(b) ? styleRank.get(a)! - styleRank.get(b)! : structural(a) ? -1 : 1;
    if (customary(a, b)) return styleRank.get(a)! - styleRank.get(b)!;
    return first.get(a)! - first.get(b)!;
  });
}

/** The value of a Chinese numeral of up to 999 (八, 十二, 二十, 一百零五) or of digits; NaN otherwise. */
export function numeralValue(numeral: string): number {
  if (/^\d+$/.test(numeral)) return Number(numeral);
  const digit = (char: string) => '零一二三四五六七八九'.indexOf(char === '〇' ? '零' : char === '两' ? '二' : char);
  let total = 0;
  let current = 0;
  for (const char of numeral) {
    if (char === '百') {
      total += (current || 1) * 100;
      current = 0;
    } else if (char === '十') {
      total += (current || 1) * 10;
      current = 0;
    } else {
      const value = digit(char);
      if (value < 0) return Number.NaN;
      current = value;
    }
  }
  return total + current;
}

const chineseDigits = '零一二三四五六七八九';

/** 1–99 as a Chinese numeral (八, 十二, 二十). */
function toChineseNumber(n: number): string {
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  if (tens === 0) return chineseDigits[ones];
  return `${tens === 1 ? '' : chineseDigits[tens]}十${ones === 0 ? '' : chineseDigits[ones]}`;
}

/** The number a marker carries: 第十二条 → 12, （三） → 3, 4. → 4, "(-)" (an OCR'd （一）) → 1. */
function markerNumber(marker: string): number {
  if (/[（(]-[)）]/.test(marker)) return 1;
  const numeral = marker.match(new RegExp(`${cn}|\\d+`))?.[0] ?? '';
  return numeralValue(numeral);
}

/**
 * A "(8)" straight after "（七）" (no "(1)" … before it) is an OCR'd "（八）": the clause gets the
 * level and number of the sibling it really is.
 */
function readMisprintedClause(block: RawBlock, open: { level: number; heading: string; style?: NumberingStyle } | undefined): void {
  const arabic = block.style === 'paren-arabic' ? block.heading?.match(/^（(\d{1,2})）/) : null;
  if (!arabic || !open || open.style !== 'paren-chinese') return;
  const number = Number(arabic[1]);
  if (number < 2 || markerNumber(open.heading) !== number - 1) return;
  block.level = open.level;
  block.style = 'paren-chinese';
  block.heading = `（${toChineseNumber(number)}）${block.heading!.slice(arabic[0].length)}`;
}

interface Candidate {
  /** Offset of the marker in the text. */
  at: number;
  style: NumberingStyle;
  number: number;
  /** At the start of a paragraph (a line of its own), rather than inside a run-on line. */
  lineStart: boolean;
  /** How many characters of heading-like text stand between the previous boundary and the marker. */
  runIn: number;
  /**
   * The run is heading words: it opens the paragraph or starts with a marker ("一、总体要求（一）"),
   * and holds no comma.
   */
  headingRun: boolean;
  /** The style of the marker the run starts with, or 'start' when the run opens the paragraph. */
  runOpener?: NumberingStyle | 'start';
  /** The run opens the document's first paragraph (its title). */
  documentStart: boolean;
  /** A reference to a clause, not a heading: "第(三)项", "(一)、(二)项所列". */
  reference: boolean;
  strong: boolean;
}

/**
 * Paragraphs (separated by blank lines), further cut where a numbered heading starts inside a line.
 * Inside a line a marker only counts when it continues its style's numbering (（二） after （一）,
 * 第五条 after 第四条) or opens a run that continues later (（一） followed by a （二）), and stands
 * after a sentence end, a colon or a space — or, for a bracketed marker, after a few heading words
 * ("一、总体要求（一）指导思想"). A cross-reference ("依照本条例第十五条") never qualifies.
 */
function splitBlocks(text: string): { start: number; end: number }[] {
  const paragraphs: { start: number; end: number }[] = [];
  for (const match of text.matchAll(/[^\n]+(?:\n(?!\n)[^\n]+)*/g)) paragraphs.push({ start: match.index!, end: match.index! + match[0].length });

  const candidates: Candidate[] = [];
  for (const paragraph of paragraphs) {
    const line = text.slice(paragraph.start, paragraph.end);
    const lead = line.length - line.trimStart().length;
    let boundary = 0;
    for (const match of line.matchAll(inlineMarker)) {
      const at = match.index!;
      const style = styles.find((candidate) => candidate.pattern.test(line.slice(at)));
      if (!style) continue;
      const lineStart = at === lead;
      const before = at > 0 ? line[at - 1] : ' ';
      // The run of text since the last sentence end: heading words, or the middle of a sentence.
      for (let i = at - 1; i >= boundary; i--) {
        if (/[。；;！？!?]/.test(line[i])) {
          boundary = i + 1;
          break;
        }
      }
      // The run starts at the last sentence end, or at the marker before this one when that is nearer.
      const previous = candidates[candidates.length - 1];
      const previousAt = previous && previous.at >= paragraph.start + boundary ? previous.at - paragraph.start : undefined;
      const runStart = previousAt ?? boundary + (line.slice(boundary).length - line.slice(boundary).trimStart().length);
      const runOpener = previousAt !== undefined ? previous.style : boundary <= lead ? ('start' as const) : markerStyleAt(line, runStart);
      candidates.push({
        at: paragraph.start + at,
        style: style.name,
        number: markerNumber(match[0]),
        lineStart,
        runIn: at - runStart,
        headingRun: runOpener !== undefined && !/[，,]/.test(line.slice(runStart, at)),
        runOpener,
        documentStart: paragraph === paragraphs[0] && previousAt === undefined && boundary <= lead,
        reference: /[第、]/.test(before) || /^[、，,]?[项款目]|^、|^(?:的?规定|所[称列指述]|第[一二三四五六七八九十]+[款项])/.test(line.slice(at + match[0].length)),
        strong: strongBoundary.test(before),
      });
    }
  }

  const accepted = acceptMarkers(candidates);
  const spans: { start: number; end: number }[] = [];
  let next = 0;
  for (const paragraph of paragraphs) {
    const cuts = [paragraph.start];
    while (next < accepted.length && accepted[next] < paragraph.end) {
      if (accepted[next] > paragraph.start) cuts.push(accepted[next]);
      next++;
    }
    cuts.push(paragraph.end);
    for (let i = 0; i < cuts.length - 1; i++) {
      // A cut leaves the space before a marker at the end of the previous block, trimmed below.
      let end = cuts[i + 1];
      while (end > cuts[i] && /\s/.test(text[end - 1])) end--;
      if (end > cuts[i]) spans.push({ start: cuts[i], end });
    }
  }
  return spans;
}

/** The style of the numbered marker starting at `at` in `line`, if one does. */
function markerStyleAt(line: string, at: number): NumberingStyle | undefined {
  const rest = line.slice(at);
  return styles.find((style) => style.pattern.test(rest))?.name;
}

/** Offsets of the inline markers that open a heading (line-start markers need no cut). */
function acceptMarkers(candidates: Candidate[]): number[] {
  const last = new Map<NumberingStyle, number>();
  const accepted: number[] = [];
  candidates.forEach((candidate, i) => {
    const { style, number } = candidate;
    if (candidate.lineStart) {
      last.set(style, number);
      return;
    }
    const previous = last.get(style);
    const laterHas = (n: number) => candidates.slice(i + 1).some((later) => later.style === style && later.number === n);
    const continues = number >= 2 && previous === number - 1;
    // A clause the cleaner or the source lost leaves a gap; the numbering resumes after it.
    const resumes = number > (previous ?? 0) + 1 && number <= (previous ?? 0) + maxGap + 1 && laterHas(number + 1);
    // A first chapter with no second one still heads the articles that follow it.
    const next = candidates[i + 1];
    const headsArticles = (style === 'part' || style === 'chapter' || style === 'section') && next?.style === 'article' && next.number === 1 && next.at - candidate.at <= maxHeadingLength;
    const opensRun = number === 1 && (laterHas(2) || headsArticles);
    if (!continues && !resumes && !opensRun) return;
    const bracketed = style === 'paren-chinese' || style === 'paren-arabic';
    if (candidate.reference) return;
    // Without a sentence end or space before it, a marker must follow heading words: a bracketed
    // clause after a heading ("一、总体要求（一）"), an article after its chapter title ("第一章总则第一条").
    const opener = candidate.runOpener;
    const afterTitle =
      (opener === 'start' && candidate.documentStart && (style === 'part' || style === 'chapter' || style === 'section')) ||
      (opener !== undefined && opener !== 'start' && styleRank.get(opener)! < styleRank.get(style)!);
    const placed =
      candidate.strong ||
      (bracketed && candidate.runIn <= maxRunIn && candidate.headingRun) ||
      (!resumes && afterTitle && candidate.runIn <= maxRunIn && candidate.headingRun);
    if (!placed) return;
    last.set(style, number);
    accepted.push(candidate.at);
  });
  return accepted;
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
      const heading = headingOf(line, marker, style.name);
      // A list item ("（一）80—89周岁的，每人每月100元；") has body text of its own.
      const headingOnly = heading === normaliseHeading(line.replace(/[。：:；;]$/, '').trim()) && !/[，,；;]/.test(rest);
      Object.assign(block, { kind: 'numbered', style: style.name, heading, headingOnly, number: markerNumber(marker) });
    } else if (leadIn.test(line)) {
      const lead = line.replace(leadIn, '');
      const cut = lead.search(/[。；;：:]/);
      const heading = normaliseHeading(cut === -1 ? lead : lead.slice(0, cut));
      if (cut !== -1 && heading.length <= 30) block.heading = heading;
    } else if (line.length <= 120 && !/[。！？；]/.test(line) && metadataLine.test(line)) {
      block.kind = 'meta';
    } else if (short && !terminal.test(line) && !line.includes('\n') && !/[=＝×÷]/.test(line)) {
      Object.assign(block, { kind: 'title', headingOnly: true });
    }
    return block;
  });
}

/**
 * Heading text of a numbered line. An article is named by its number alone ("第十条"), unless a
 * short title follows it on its own ("第十条 附则"). A chapter or section keeps its title ("第一章
 * 总则"). Other clauses run to their first sentence end, or to the first space after the heading
 * words (a flattened copy puts a space where the line break was); a lead too long to be a heading
 * is shortened.
 */
function headingOf(line: string, marker: string, style: NumberingStyle): string {
  const rest = line.slice(marker.length).trim();
  if (style === 'article') {
    const titled = rest.length > 0 && rest.length <= 16 && !/[，,。；;：:！？]/.test(rest);
    return normaliseHeading(titled ? `${marker} ${rest}` : marker);
  }
  if (style === 'part' || style === 'chapter' || style === 'section') {
    const title = rest.split(/[\s。；;：:，,]/)[0] ?? '';
    const whole = rest.length <= 30 && !/[。；;，,]/.test(rest) ? rest : title.slice(0, 30);
    return normaliseHeading(`${marker} ${whole}`);
  }
  const lead = rest;
  const sentenceEnd = lead.search(/[。；;：:！？]|一一|——/);
  const space = lead.search(/(?<=\S{2,})\s/);
  const cuts = [sentenceEnd, space].filter((cut) => cut >= 0);
  const cut = cuts.length > 0 ? Math.min(...cuts) : lead.length;
  const heading = `${marker}${lead.slice(0, cut)}`.trim();
  if (heading.length <= maxHeadingLength) return normaliseHeading(heading);
  return normaliseHeading(line.slice(0, 16)) + '…';
}

/** Display form of a heading: half-width brackets folded to full width, OCR'd "(-)" read as （一）, spaces single. */
function normaliseHeading(heading: string): string {
  return heading
    .replace(/^[（(]-[)）]/, '（一）')
    .replace(/^\(/, '（')
    .replace(/^（([^)）]{1,4})\)/, '（$1）')
    .replace(/^(——|一一|—)/, '')
    .replace(/\s+/g, ' ')
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
      // Date and promulgation lines belong to the page header like the title above them.
      if (blocks[i].kind !== 'meta') seenBody = true;
      continue;
    }
    let j = i;
    while (j < blocks.length && blocks[j].kind === 'title') j++;
    // Deeper runs are photo captions or banners standing before the real headings: keep the last three.
    const run = blocks.slice(Math.max(i, j - 3), j);
    const next = blocks[j];
    // A name over a date is a signature ("劳动部" / "一九九四年十二月六日"), not a heading.
    if (!seenBody || !next || next.kind === 'meta') {
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

/** Whether a style orders before (encloses) another in the customary nesting. */
export function enclosesStyle(outer: NumberingStyle, inner: NumberingStyle): boolean {
  return styleRank.get(outer)! < styleRank.get(inner)!;
}
