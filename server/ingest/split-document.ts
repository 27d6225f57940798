// Split: clause-level chunks with heading paths and exact offsets into the cleaned text.
import type { Chunk } from '../rag/types.js';
import { splitSentences } from './split-sentences.js';
import { structureDocument, type Block, type DocumentStructure } from './structure-document.js';

export interface SplitOptions {
  /** A clause (with everything under it) that fits in this many characters is one chunk. */
  maxChars?: number;
  /** The document's structure, when the caller has it already. */
  structure?: DocumentStructure;
}

/**
 * Cuts a cleaned document into chunks along its heading tree. A clause that fits in `maxChars`
 * together with everything under it (an article with its items, a （一） clause with its 1. 2.
 * points) is one chunk; a bigger one is cut at its children: parts, chapters, sections and
 * articles always stand alone, smaller clauses are packed with their neighbours up to `maxChars`,
 * never across their parent's end. A heading line travels with what it introduces, and what is
 * still too long is cut at sentence ends. Every chunk satisfies `text.slice(start, end) === chunk.text`.
 */
export function splitDocument(document: { id: string; text: string }, { maxChars = 600, structure }: SplitOptions = {}): Chunk[] {
  const { text } = document;
  const tree = buildTree((structure ?? structureDocument(text)).blocks, text.length);
  const spans = unitsOf(tree, maxChars).flatMap((unit) => cutLongUnit(text, unit, maxChars));
  return spans.map((span, index) => ({
    id: `${document.id}:${String(index).padStart(4, '0')}`,
    documentId: document.id,
    text: text.slice(span.start, span.end),
    start: span.start,
    end: span.end,
    section: span.path,
  }));
}

interface Unit {
  start: number;
  end: number;
  path: string[];
}

/** A heading and everything under it; the root holds the whole text. */
interface Node {
  start: number;
  end: number;
  /** End of the node's own text: its heading and body, before its first child. */
  leadEnd: number;
  path: string[];
  /** Parts, chapters, sections, articles, title headings: never packed with a sibling. */
  hard: boolean;
  /** The lead is a heading line and nothing else. */
  headingOnly: boolean;
  level: number;
  children: Node[];
}

function buildTree(blocks: Block[], length: number): Node {
  const root: Node = { start: blocks[0]?.start ?? 0, end: blocks[blocks.length - 1]?.end ?? length, leadEnd: -1, path: [], hard: true, headingOnly: false, level: 0, children: [] };
  const stack: Node[] = [root];
  for (const block of blocks) {
    if (block.level !== undefined) {
      while (stack.length > 1 && stack[stack.length - 1].level >= block.level) stack.pop();
      const node: Node = {
        start: block.start,
        end: block.end,
        leadEnd: -1,
        path: block.path,
        hard: block.hard === true,
        headingOnly: block.headingOnly,
        level: block.level,
        children: [],
      };
      stack[stack.length - 1].children.push(node);
      stack.push(node);
    } else {
      // Body text before the node's first child is part of its lead: the lead is more than a heading.
      const open = stack[stack.length - 1];
      if (open.children.length === 0) open.headingOnly = false;
    }
    const open = stack[stack.length - 1];
    if (open.children.length === 0) open.leadEnd = block.end;
    for (const node of stack) node.end = Math.max(node.end, block.end);
  }
  const settle = (node: Node) => {
    if (node.leadEnd < 0) node.leadEnd = node.start;
    node.children.forEach(settle);
  };
  settle(root);
  return root;
}

/** The units of a node: the node whole when it fits, else its lead and its children, packed. */
function unitsOf(node: Node, maxChars: number): Unit[] {
  const fits = node.end - node.start <= maxChars && !node.children.some((child) => child.hard);
  if (fits || node.children.length === 0) return [{ start: node.start, end: node.end, path: wholePath(node) }];
  const units: Unit[] = [];
  let pack: Unit | undefined;
  /** A heading line waiting to be glued to the front of what follows it. */
  let pendingHeading: number | undefined;
  const flush = () => {
    if (pack) units.push(pack);
    pack = undefined;
  };
  const emit = (child: Unit[]) => {
    if (pendingHeading !== undefined && child.length > 0) child[0] = { ...child[0], start: pendingHeading };
    pendingHeading = undefined;
    units.push(...child);
  };
  if (node.leadEnd > node.start) {
    if (node.headingOnly) pendingHeading = node.start;
    else if (node.leadEnd - node.start > maxChars) emit([{ start: node.start, end: node.leadEnd, path: node.path }]);
    else pack = { start: node.start, end: node.leadEnd, path: node.path };
  }
  for (const child of node.children) {
    const size = child.end - child.start;
    if (child.hard || size > maxChars) {
      flush();
      emit(unitsOf(child, maxChars));
      continue;
    }
    if (pendingHeading !== undefined) {
      pack = { start: pendingHeading, end: child.end, path: wholePath(child) };
      pendingHeading = undefined;
      continue;
    }
    if (pack && child.end - pack.start <= maxChars) {
      // Siblings packed together are filed under their parent.
      pack = { start: pack.start, end: child.end, path: node.path };
    } else {
      flush();
      pack = { start: child.start, end: child.end, path: wholePath(child) };
    }
  }
  flush();
  if (pendingHeading !== undefined) units.push({ start: pendingHeading, end: node.leadEnd, path: node.path });
  return units;
}

/** A node taken whole is filed under its heading, or under its only clause when the heading introduces just that one. */
function wholePath(node: Node): string[] {
  let current = node;
  while (current.headingOnly && current.children.length === 1 && current.leadEnd > current.start) current = current.children[0];
  return current.path;
}

/** Cuts a unit at sentence ends into pieces of roughly equal size, none over `maxChars` if avoidable. */
function cutLongUnit(text: string, unit: Unit, maxChars: number): Unit[] {
  const length = unit.end - unit.start;
  if (length <= maxChars) return [unit];
  const sentences = splitSentences(text.slice(unit.start, unit.end), unit.start).flatMap((sentence) =>
    sentence.end - sentence.start > maxChars ? cutAtCommas(text, sentence, maxChars) : [sentence],
  );
  const pieces = Math.ceil(length / maxChars);
  const target = Math.min(maxChars, Math.ceil(length / pieces) + 40);
  const result: Unit[] = [];
  let current: Unit | undefined;
  for (const sentence of sentences) {
    if (current && sentence.end - current.start > target) {
      result.push(current);
      current = undefined;
    }
    current ??= { start: result.length === 0 ? unit.start : sentence.start, end: sentence.end, path: unit.path };
    current.end = sentence.end;
  }
  if (current) result.push(current);
  return result;
}

/** A single sentence longer than a chunk is cut at commas (and at worst at `maxChars`). */
function cutAtCommas(text: string, sentence: { start: number; end: number }, maxChars: number) {
  const pieces: { start: number; end: number }[] = [];
  let start = sentence.start;
  while (sentence.end - start > maxChars) {
    const window = text.slice(start, start + maxChars);
    const comma = Math.max(window.lastIndexOf('，'), window.lastIndexOf(','), window.lastIndexOf('、'));
    const end = comma > maxChars / 3 ? start + comma + 1 : start + maxChars;
    pieces.push({ start, end });
    start = end;
  }
  pieces.push({ start, end: sentence.end });
  return pieces;
}
