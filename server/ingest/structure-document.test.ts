// Heading structure: the heading tree of cleaned policy texts, with offsets into the text.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedCorpusDir } from '../test-support/corpus';
import { cleanText } from './clean-text';
import { structureDocument } from './structure-document';

const cleaned = (file: string) => cleanText(readFileSync(join(seedCorpusDir, file), 'utf8'));
const paths = (text: string) => structureDocument(text).sections.map((section) => section.path);

describe('structureDocument', () => {
  it('nests （一） clauses under 一、 parts and 1. items under clauses', () => {
    const text = '关于推进区域协调发展的实施意见\n\n一、总体要求\n\n(一)指导思想。坚持新发展理念。\n\n(二)基本原则。坚持统筹协调。\n\n二、重点任务\n\n(三)加强基础设施。建设高速公路。\n\n1.完善路网。新建公路100公里。\n\n2.提升航空。建设机场。';
    expect(paths(text)).toEqual([
      ['一、总体要求'],
      ['一、总体要求', '（一）指导思想'],
      ['一、总体要求', '（二）基本原则'],
      ['二、重点任务'],
      ['二、重点任务', '（三）加强基础设施'],
      ['二、重点任务', '（三）加强基础设施', '1.完善路网'],
      ['二、重点任务', '（三）加强基础设施', '2.提升航空'],
    ]);
  });

  it('gives every section offsets that slice out its heading and body', () => {
    const text = '一、总体要求\n\n(一)指导思想。坚持新发展理念。\n\n(二)基本原则。坚持统筹协调。\n\n二、重点任务\n\n(三)加强基础设施。建设高速公路。';
    const sections = structureDocument(text).sections;
    const slice = (path: string) => {
      const section = sections.find((candidate) => candidate.path.join(' › ') === path)!;
      return text.slice(section.start, section.end);
    };
    expect(slice('一、总体要求')).toBe('一、总体要求\n\n(一)指导思想。坚持新发展理念。\n\n(二)基本原则。坚持统筹协调。\n\n');
    expect(slice('一、总体要求 › （二）基本原则')).toBe('(二)基本原则。坚持统筹协调。\n\n');
    expect(slice('二、重点任务 › （三）加强基础设施')).toBe('(三)加强基础设施。建设高速公路。');
  });

  it('finds clause headings inside a run-on paragraph of a flattened web copy', () => {
    const text = '一、总体要求。(一)指导思想。坚持新发展理念,推动高质量发展。(二)基本原则。坚持统筹协调。二、重点任务。(三)加强基础设施。建设高速公路。';
    expect(paths(text)).toEqual([['一、总体要求'], ['一、总体要求', '（一）指导思想'], ['一、总体要求', '（二）基本原则'], ['二、重点任务'], ['二、重点任务', '（三）加强基础设施']]);
    const second = structureDocument(text).sections[2];
    expect(text.slice(second.start, second.end)).toBe('(二)基本原则。坚持统筹协调。');
  });

  it('reads the OCR misprints "(-)" as （一） and a "(8)" between （七） and （九） as （八）', () => {
    expect(paths('一、总体要求\n\n(-)指导思想。坚持新发展理念。\n\n(二)基本原则。坚持统筹协调。')).toEqual([
      ['一、总体要求'],
      ['一、总体要求', '（一）指导思想'],
      ['一、总体要求', '（二）基本原则'],
    ]);
    expect(paths('二、机制\n\n(七)完善市场融合发展机制。促进要素流动。\n\n(8)拓展区域合作机制。促进区域合作。\n\n(九)深化区域互助合作机制。深化协作。')).toEqual([
      ['二、机制'],
      ['二、机制', '（七）完善市场融合发展机制'],
      ['二、机制', '（八）拓展区域合作机制'],
      ['二、机制', '（九）深化区域互助合作机制'],
    ]);
  });

  it('keeps "(1) (2)" items under a clause as items', () => {
    expect(paths('(七)完善市场机制。\n\n(1)促进要素流动。推进改革。\n\n(2)统一市场规则。清理规定。')).toEqual([
      ['（七）完善市场机制'],
      ['（七）完善市场机制', '（1）促进要素流动'],
      ['（七）完善市场机制', '（2）统一市场规则'],
    ]);
  });

  it('reads 第X章 / 第X条 as chapters and articles', () => {
    expect(paths('第一章 总则\n\n第一条 为了规范管理，制定本办法。\n\n第二章 附则\n\n第二条 本办法自发布之日起施行。')).toEqual([
      ['第一章 总则'],
      ['第一章 总则', expect.stringMatching(/^第一条/)],
      ['第二章 附则'],
      ['第二章 附则', expect.stringMatching(/^第二条/)],
    ]);
  });

  it('takes "——" lead-ins and standalone title lines as headings (003, 002)', () => {
    const yunnan = paths(cleaned('003_a9fca6c13887d7f9.txt'));
    expect(yunnan).toContainEqual(['构建区域协调发展新格局', '（三）强化“强滇中”在高质量发展中的引领作用', '构建连接县市的综合立体交通网络']);
    expect(yunnan).toContainEqual(['建立区域协调发展新机制', '（八）拓展区域合作机制']);
    expect(yunnan).toContainEqual(['组织实施', '（十四）加强组织领导']);
    const tianfu = paths(cleaned('002_811b25c4de862b70.txt'));
    expect(tianfu).toContainEqual(['突出“边界突破”', '全面提升区域协同发展带动力', '突破传统行政区域“边界”']);
  });

  it('finds all ten parts and forty-seven clauses of the 成渝 joint plan (004)', () => {
    const sections = paths(cleaned('004_94f624e435746e0d.txt'));
    expect(sections.filter((path) => path.length === 1)).toHaveLength(10);
    expect(sections.filter((path) => path.length === 2)).toHaveLength(47);
    expect(sections).toContainEqual(['二、合力建设现代基础设施网络', '（九）共同打造国际航空门户枢纽']);
    expect(sections).toContainEqual(['十、加强规划实施保障', '（四十七）营造良好社会氛围']);
  });

  it('leaves a text without headings as one unheaded block', () => {
    const text = '这是一段没有标题的正文，说明有关情况。第二句话也在这里。';
    const { blocks, sections } = structureDocument(text);
    expect(sections).toEqual([]);
    expect(blocks).toEqual([{ start: 0, end: text.length, path: [], headingOnly: false }]);
  });
});
