// Clause chunks: heading paths, exact offsets, long clauses cut at sentence ends.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedCorpusDir } from '../test-support/corpus';
import { cleanText } from './clean-text';
import { splitDocument } from './split-document';

const cleaned = (file: string) => cleanText(readFileSync(join(seedCorpusDir, file), 'utf8'));

/** A clause of `sentences` sentences of about 48 characters each. */
function longClause(heading: string, sentences: number): string {
  const body = Array.from({ length: sentences }, (_, i) => `第${i + 1}项措施要求各地加强统筹协调，完善工作机制，落实主体责任，确保任务按期完成并取得实效。`);
  return `${heading}${body.join('')}`;
}

describe('splitDocument', () => {
  it('gives every chunk offsets that slice out exactly its text', () => {
    const text = `一、总体要求\n\n(一)指导思想。坚持新发展理念。\n\n${longClause('(二)基本原则。', 20)}\n\n二、重点任务。(三)加强基础设施。建设高速公路。`;
    const chunks = splitDocument({ id: 'doc', text });
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) expect(text.slice(chunk.start, chunk.end)).toBe(chunk.text);
  });

  it('keeps the heading path on every chunk and starts a clause chunk with its own heading', () => {
    const text = `一、总体要求\n\n${longClause('(一)指导思想。', 6)}\n\n${longClause('(二)基本原则。', 6)}\n\n二、重点任务\n\n${longClause('(三)加强基础设施。', 6)}`;
    const chunks = splitDocument({ id: 'doc', text });
    expect(chunks.map((chunk) => [chunk.section, chunk.text.slice(0, 7)])).toEqual([
      [['一、总体要求', '（一）指导思想'], '一、总体要求\n'],
      [['一、总体要求', '（二）基本原则'], '(二)基本原则'],
      [['二、重点任务', '（三）加强基础设施'], '二、重点任务\n'],
    ]);
  });

  it('cuts a long clause at sentence ends into pieces of at most 400 characters, all under its heading', () => {
    const clause = longClause('(五)推进区域协同发展。', 32);
    const text = `三、重点任务\n\n${clause}`;
    const chunks = splitDocument({ id: 'doc', text });
    expect(clause.length).toBeGreaterThan(1400);
    expect(chunks.length).toBeGreaterThanOrEqual(4);
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(400);
      expect(chunk.text).toMatch(/。$/);
      expect(chunk.section).toEqual(['三、重点任务', '（五）推进区域协同发展']);
    }
    expect(chunks.map((chunk) => chunk.text).join('')).toBe(text);
    expect(chunks[chunks.length - 1].end).toBe(text.length);
  });

  it('cuts a single sentence longer than a chunk at commas', () => {
    const sentence = Array.from({ length: 40 }, (_, i) => `支持第${i + 1}个区县建设特色产业园区`).join('，') + '。';
    const chunks = splitDocument({ id: 'doc', text: sentence });
    expect(sentence.length).toBeGreaterThan(500);
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(400);
      expect(sentence.slice(chunk.start, chunk.end)).toBe(chunk.text);
    }
    expect(chunks.slice(0, -1).every((chunk) => chunk.text.endsWith('，'))).toBe(true);
    expect(chunks.map((chunk) => chunk.text).join('')).toBe(sentence);
  });

  it('numbers chunk ids in document order and gives the same ids on every run', () => {
    const text = cleaned('004_94f624e435746e0d.txt');
    const first = splitDocument({ id: 'chengyu-joint-plan', text });
    const second = splitDocument({ id: 'chengyu-joint-plan', text });
    expect(first.map((chunk) => chunk.id)).toEqual(first.map((_, i) => `chengyu-joint-plan:${String(i).padStart(4, '0')}`));
    expect(second).toEqual(first);
    for (let i = 1; i < first.length; i++) expect(first[i].start).toBeGreaterThanOrEqual(first[i - 1].end);
  });

  it('files the 成渝 clause （九） under its part and clause headings (004)', () => {
    const chunks = splitDocument({ id: 'chengyu-joint-plan', text: cleaned('004_94f624e435746e0d.txt') });
    const airports = chunks.find((chunk) => chunk.text.includes('(九)共同打造国际航空门户枢纽。'))!;
    expect(airports.section).toEqual(['二、合力建设现代基础设施网络', '（九）共同打造国际航空门户枢纽']);
    expect(airports.text).toContain('加快构建“枢纽机场为核心、支线机场为支撑”的世界级机场群。');
  });

  it('keeps short articles that are all heading lines apart, each under its own path', () => {
    const text = '第一章 总则\n\n第一条 为了规范管理，制定本办法。\n\n第二条 本办法适用于全省。\n\n第二章 附则\n\n第三条 本办法自发布之日起施行。';
    const chunks = splitDocument({ id: 'rules', text });
    const third = chunks.find((chunk) => chunk.text.includes('第三条'))!;
    expect(third.section).toEqual(['第二章 附则', expect.stringMatching(/^第三条/)]);
    expect(third.text).toBe('第二章 附则\n\n第三条 本办法自发布之日起施行。');
    for (const chunk of chunks.filter((candidate) => candidate.text.includes('第一条'))) expect(chunk.section[0]).toBe('第一章 总则');
    expect(chunks.map((chunk) => chunk.text).join('\n\n')).toBe(text);
  });
});
