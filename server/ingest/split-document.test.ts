// Clause chunks: heading paths, exact offsets, long clauses cut at sentence ends.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { regulationsCorpusDir, seedCorpusDir } from '../test-support/corpus';
import { cleanText } from './clean-text';
import { loadDocument } from './load-document';
import { splitDocument } from './split-document';
import { structureDocument } from './structure-document';

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
    const text = `一、总体要求\n\n${longClause('(一)指导思想。', 8)}\n\n${longClause('(二)基本原则。', 8)}\n\n二、重点任务\n\n${longClause('(三)加强基础设施。', 8)}`;
    const chunks = splitDocument({ id: 'doc', text });
    expect(chunks.map((chunk) => [chunk.section, chunk.text.slice(0, 7)])).toEqual([
      [['一、总体要求', '（一）指导思想'], '一、总体要求\n'],
      [['一、总体要求', '（二）基本原则'], '(二)基本原则'],
      [['二、重点任务', '（三）加强基础设施'], '二、重点任务\n'],
    ]);
  });

  it('cuts a long clause at sentence ends into pieces of at most 600 characters, all under its heading', () => {
    const clause = longClause('(五)推进区域协同发展。', 32);
    const text = `三、重点任务\n\n${clause}`;
    const chunks = splitDocument({ id: 'doc', text });
    expect(clause.length).toBeGreaterThan(1400);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(600);
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
      expect(chunk.text.length).toBeLessThanOrEqual(600);
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

describe('splitDocument on regulations', () => {
  const regulation = [
    '示范管理条例',
    '第一章 总则',
    '第一条 为了规范管理，制定本条例。',
    '第二条 下列事项应当登记：',
    '(一)设立；',
    '(二)变更；',
    '(三)注销。',
    '第二章 法律责任',
    `第三条 ${'违反本条例规定的，由主管部门责令改正，处1万元以上5万元以下的罚款。'.repeat(20)}`,
    '第四条 本条例自公布之日起施行。',
  ];

  it('makes each article a chunk with its items, filed under its chapter and article', () => {
    for (const text of [regulation.join('\n\n'), regulation.join(' ')]) {
      const chunks = splitDocument({ id: 'reg', text });
      const second = chunks.find((chunk) => chunk.text.includes('第二条'))!;
      expect(second.section).toEqual(['第一章 总则', '第二条']);
      expect(second.text).toMatch(/^第二条 下列事项应当登记：[\s\S]*\(三\)注销。$/);
      const first = chunks.find((chunk) => chunk.text.includes('第一条'))!;
      expect(first.text).not.toContain('第二条');
      expect(chunks.find((chunk) => chunk.text.includes('第四条'))!.section).toEqual(['第二章 法律责任', '第四条']);
    }
  });

  it('cuts a long article into pieces that stay inside it', () => {
    const chunks = splitDocument({ id: 'reg', text: regulation.join('\n\n') });
    const pieces = chunks.filter((chunk) => chunk.section.join(' › ') === '第二章 法律责任 › 第三条');
    expect(pieces.length).toBeGreaterThanOrEqual(2);
    for (const piece of pieces) expect(piece.text).not.toMatch(/第[二四]条/);
  });

  it.skipIf(!existsSync(regulationsCorpusDir))('never glues an article to the next one in any real regulation', async () => {
    let articles = 0;
    const glued: string[] = [];
    for (const file of readdirSync(regulationsCorpusDir).filter((name) => name.endsWith('.md'))) {
      const text = cleanText(await loadDocument(join(regulationsCorpusDir, file)));
      const chunks = splitDocument({ id: 'reg', text });
      const starts = structureDocument(text)
        .sections.filter((section) => /^第[一二三四五六七八九十百零〇\d]+条/.test(section.path[section.path.length - 1]))
        .map((section) => section.start);
      articles += starts.length;
      for (const chunk of chunks) {
        // A chunk opens at most one article; what stands before it can only be its chapter's heading.
        const inside = starts.filter((start) => start >= chunk.start && start < chunk.end);
        const prefix = inside.length === 1 ? text.slice(chunk.start, inside[0]) : '';
        if (inside.length > 1 || prefix.length > 60 || /第[一二三四五六七八九十百零〇\d]+条/.test(prefix)) glued.push(`${file}: ${chunk.text.slice(0, 40)}`);
      }
    }
    expect(articles).toBeGreaterThan(25_000);
    expect(glued).toEqual([]);
  }, 60_000);
});
