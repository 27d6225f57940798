// Split: clause-level chunks with heading paths and exact offsets into the cleaned text.
import type { Chunk } from '../rag/types.js';
import { splitSentences } from './split-sentences.js';
import { structureDocument, type Block } from './structure-document.js';

export interface SplitOptions {
  /** A clause longer than this is cut at sentence ends. */
  maxChars?: number;
  /** Neighbouring short paragraphs under the same heading are merged up to this size. */
  mergeChars?: number;
}

/**
 * Cuts a cleaned document into chunks: one clause or paragraph each (heading lines travel with the
 * paragraph they introduce), long clauses cut at 。！？； into pieces of at most `maxChars`, short
 * neighbours under one heading merged. Every chunk satisfies `text.slice(start, end) === chunk.text`.
 */
export function splitDocument(
  document: { id: string; text: string },
  { maxChars = 400, mergeChars = 320 }: SplitOptions = {},
): Chunk[] {
  const { text } = document;
  const units = clauseUnits(structureDocument(text).blocks);
  const merged = mergeShortUnits(units, mergeChars);
  const spans = merged.flatMap((unit) => cutLongUnit(text, unit, maxChars));
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

/**
 * Heading-only blocks are glued to the next block under them so a chunk starts with its own heading.
 * A heading-only block followed by a sibling (short articles such as "第一条 …。") is a clause of its own.
 */
function clauseUnits(blocks: Block[]): Unit[] {
  const units: Unit[] = [];
  let pending: { start: number; last: Block } | undefined;
  for (const block of blocks) {
    if (pending && !startsWith(block.path, pending.last.path)) {
      units.push({ start: pending.start, end: pending.last.end, path: pending.last.path });
      pending = undefined;
    }
    if (block.headingOnly) {
      pending = { start: pending?.start ?? block.start, last: block };
      continue;
    }
    units.push({ start: pending?.start ?? block.start, end: block.end, path: block.path });
    pending = undefined;
  }
  if (pending) units.push({ start: pending.start, end: pending.last.end, path: pending.last.path });
  return units;
}

function startsWith(path: string[], prefix: string[]): boolean {
  return prefix.length <= path.length && prefix.every((heading, i) => heading === path[i]);
}

function samePath(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((heading, i) => heading === b[i]);
}

/** Neighbours merge when they sit under one heading, or are sibling clauses (same parent heading). */
function mergeShortUnits(units: Unit[], mergeChars: number): Unit[] {
  const merged: Unit[] = [];
  for (const unit of units) {
    const last = merged[merged.length - 1];
    const siblings = last && last.path.length > 0 && last.path.length === unit.path.length && samePath(last.path.slice(0, -1), unit.path.slice(0, -1));
    // A clause and the list items under it ("第三条 …分档发放：" + "（一）…；（二）…") belong together.
    const child = last && unit.path.length > last.path.length && startsWith(unit.path, last.path);
    if (last && (samePath(last.path, unit.path) || siblings || child) && unit.end - last.start <= mergeChars) {
      if (siblings && !samePath(last.path, unit.path)) last.path = last.path.slice(0, -1);
      last.end = unit.end;
    } else {
      merged.push({ ...unit });
    }
  }
  return merged;
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
