// Minimal, safe Markdown for answers: paragraphs, lists, headings, **bold**, http(s) links and [n] markers.

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'strong'; children: Inline[] }
  | { type: 'citation'; n: number }
  | { type: 'link'; href: string; children: Inline[] }
  | { type: 'unsupported'; children: Inline[] };

export type Block =
  | { type: 'paragraph'; lines: Inline[][] }
  | { type: 'heading'; level: 2 | 3 | 4; children: Inline[] }
  | { type: 'list'; ordered: boolean; items: Inline[][] };

export interface ParseAnswerOptions {
  /** Citation numbers that exist; other `[n]` stay plain text. */
  citationNumbers: ReadonlySet<number>;
  /** Sentences the verifier could not support; they are wrapped in `unsupported` nodes. */
  unsupportedSentences?: readonly string[];
}

const bulletLine = /^\s*[-*•]\s+(.*)$/;
const orderedLine = /^\s*(\d{1,3})[.)、]\s+(.*)$/;
const headingLine = /^\s*(#{1,6})\s+(.*?)(?:\s+#+)?$/;

/** Parses answer Markdown into blocks; never produces HTML, so rendering it cannot inject markup. */
export function parseAnswer(markdown: string, options: ParseAnswerOptions): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  let list: { ordered: boolean; items: string[] } | null = null;
  const unsupported = (options.unsupportedSentences ?? []).map(normalizeSentence).filter((text) => text.length > 0);
  const inline = (text: string) => markUnsupported(parseInline(text, options.citationNumbers), unsupported);

  const flushParagraph = () => {
    if (paragraph.length) blocks.push({ type: 'paragraph', lines: paragraph.map(inline) });
    paragraph = [];
  };
  const flushList = () => {
    if (list) blocks.push({ type: 'list', ordered: list.ordered, items: list.items.map(inline) });
    list = null;
  };

  for (const rawLine of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    const line = rawLine.trimEnd();
    if (!line.trim()) {
      flushParagraph();
      flushList();
      continue;
    }
    const heading = headingLine.exec(line);
    if (heading) {
      flushParagraph();
      flushList();
      const level = Math.min(4, Math.max(2, heading[1].length)) as 2 | 3 | 4;
      blocks.push({ type: 'heading', level, children: inline(heading[2]) });
      continue;
    }
    const bullet = bulletLine.exec(line);
    const ordered = bullet ? null : orderedLine.exec(line);
    if (bullet || ordered) {
      flushParagraph();
      const isOrdered = Boolean(ordered);
      if (list && list.ordered !== isOrdered) flushList();
      list ??= { ordered: isOrdered, items: [] };
      list.items.push(bullet ? bullet[1] : ordered![2]);
      continue;
    }
    if (list && /^\s{2,}\S/.test(rawLine)) {
      // An indented line continues the previous list item.
      list.items[list.items.length - 1] += line.trim();
      continue;
    }
    flushList();
    paragraph.push(line.trim());
  }
  flushParagraph();
  flushList();
  return blocks;
}

/** A backslash escape (the server escapes document text: "\\*\\*", "\\[3\\]"), bold, a marker, a link. */
const inlinePattern = /\\([\\`*_[\]<>#|+\-.)])|\*\*(.+?)\*\*|\[(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\]|\[([^\]\n]+)\]\(((?:[^()\s]|\([^()\s]*\))+)\)/g;

/** Splits one line into text, bold, citation and link nodes. */
export function parseInline(text: string, citationNumbers: ReadonlySet<number>, allowBold = true): Inline[] {
  const nodes: Inline[] = [];
  const pushText = (value: string) => {
    if (!value) return;
    const last = nodes[nodes.length - 1];
    if (last?.type === 'text') last.text += value;
    else nodes.push({ type: 'text', text: value });
  };
  let cursor = 0;
  for (const match of text.matchAll(inlinePattern)) {
    const index = match.index ?? 0;
    pushText(text.slice(cursor, index));
    cursor = index + match[0].length;
    const [whole, escaped, bold, numbers, label, href] = match;
    if (escaped !== undefined) {
      pushText(escaped);
    } else if (bold !== undefined) {
      if (allowBold) nodes.push({ type: 'strong', children: parseInline(bold, citationNumbers, false) });
      else pushText(whole);
    } else if (numbers !== undefined) {
      const list = numbers.split(/\s*[,，、]\s*/).map(Number);
      if (list.every((n) => citationNumbers.has(n))) list.forEach((n) => nodes.push({ type: 'citation', n }));
      else pushText(whole);
    } else if (label !== undefined) {
      const children = parseInline(label, citationNumbers, false);
      if (/^https?:\/\//i.test(href)) nodes.push({ type: 'link', href, children });
      else children.forEach((child) => (child.type === 'text' ? pushText(child.text) : nodes.push(child)));
    }
  }
  pushText(text.slice(cursor));
  return nodes;
}

const sentenceEnd = /[。！？!?；;]/;

/** Wraps every sentence that matches an unsupported one (ignoring markers, spaces, punctuation). */
export function markUnsupported(nodes: Inline[], unsupported: readonly string[]): Inline[] {
  if (unsupported.length === 0) return nodes;
  const sentences = splitSentences(nodes);
  return sentences.flatMap((sentence) => {
    const normalized = normalizeSentence(plainText(sentence));
    const matches = normalized.length > 0 && unsupported.some((target) => sentencesMatch(normalized, target));
    return matches ? [{ type: 'unsupported', children: sentence } satisfies Inline] : sentence;
  });
}

/** Groups inline nodes into sentences; citation markers right after a sentence end stay with it. */
export function splitSentences(nodes: Inline[]): Inline[][] {
  const sentences: Inline[][] = [];
  let current: Inline[] = [];
  let closed = false;
  const close = () => {
    if (current.length) sentences.push(current);
    current = [];
    closed = false;
  };
  for (const node of nodes) {
    if (node.type === 'citation') {
      current.push(node);
      continue;
    }
    if (node.type !== 'text') {
      if (closed) close();
      current.push(node);
      if (sentenceEnd.test(plainText([node]).slice(-1))) closed = true;
      continue;
    }
    let rest = node.text;
    while (rest) {
      if (closed) {
        const space = /^\s+/.exec(rest);
        if (space) {
          current.push({ type: 'text', text: space[0] });
          rest = rest.slice(space[0].length);
          continue;
        }
        close();
      }
      const end = rest.search(sentenceEnd);
      if (end === -1) {
        current.push({ type: 'text', text: rest });
        break;
      }
      // Keep runs like "。”" or "？！" together with their sentence.
      let stop = end + 1;
      while (stop < rest.length && /[。！？!?；;”’）)」』]/.test(rest[stop])) stop++;
      current.push({ type: 'text', text: rest.slice(0, stop) });
      rest = rest.slice(stop);
      closed = true;
    }
  }
  close();
  return sentences;
}

function plainText(nodes: Inline[]): string {
  return nodes
    .map((node) => {
      if (node.type === 'text') return node.text;
      if (node.type === 'citation') return '';
      return plainText(node.children);
    })
    .join('');
}

/** Drops markers, Markdown emphasis, whitespace and punctuation so wording alone is compared. */
export function normalizeSentence(text: string): string {
  return text
    .replace(/\[\d{1,3}(?:\s*[,，、]\s*\d{1,3})*\]/g, '')
    .replace(/\\(.)/g, '$1')
    .replace(/\*\*/g, '')
    .replace(/^\s*(?:[-*•]|\d{1,3}[.)、])\s+/, '')
    .replace(/[\s\p{P}]/gu, '');
}

function sentencesMatch(sentence: string, target: string): boolean {
  if (sentence === target) return true;
  const shorter = sentence.length < target.length ? sentence : target;
  const longer = shorter === sentence ? target : sentence;
  return shorter.length >= 8 && longer.includes(shorter) && shorter.length / longer.length > 0.6;
}
