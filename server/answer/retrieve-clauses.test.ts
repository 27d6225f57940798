// What the answer stage gets to read: the clauses a question finds, and the articles they point at.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RagService } from '../rag/rag-service';
import { serviceOverFiles } from '../test-support/corpus';
import { analyseQuestion } from './analyse-question';
import { answerQuestion } from './answer-question';
import { retrieveClauses } from './retrieve-clauses';

const rules = `西陵市网吧经营管理办法

第一条 为规范网吧经营，制定本办法。
第二条 网吧经营单位应当依法经营，游戏上线前应当自查。
第三条 网吧经营单位不得接纳未成年人，违反的依法处罚。
第四条 网吧经营单位应当落实实名登记，游戏账号应当实名。
第五条 网吧经营单位应当配备安全员，违规的责令改正。
第六条 网吧的游戏上线信息应当保存60日。
第七条 网吧经营单位营业时间为每日8时至24时，违规营业的处罚款。
第八条 网吧应当在营业场所显著位置悬挂营业执照，游戏设备应当定期检修。
第九条 下列内容禁止传播：
(一)宣扬暴力的；
(二)宣扬赌博的。
第十条 网吧经营单位变更地址的，应当重新申领许可证，游戏上线目录随之报备。
第二十条 网吧经营单位允许含有本办法第九条所列内容的游戏上线的，由文化主管部门处5000元罚款。
`;

const cleanups: (() => Promise<void>)[] = [];
let service: RagService;

beforeAll(async () => {
  service = await serviceOverFiles('references', { 'xiling-netbar.txt': rules }, cleanups);
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('clauses retrieved for a fact question', () => {
  it('brings the article a found clause points at ("本办法第九条所列内容"), though it shares no word with the question', async () => {
    const { index } = service;
    const analysis = analyseQuestion([{ role: 'user', content: '网吧让违规游戏上线会怎么罚？' }], { analyzer: index.analyzer });
    const { results } = await retrieveClauses({ analysis, index });
    const sections = results.map((result) => result.section.join('/'));
    expect(sections.slice(0, 5)).toContain('第二十条');
    expect(sections).toContain('第九条');
    const article = results.find((result) => result.section.join('/') === '第九条');
    expect(article?.text).toContain('(二)宣扬赌博的');
  });
});

describe('clauses retrieved for a two-part question', () => {
  it('lets each part read the clauses found for the other, after its own', async () => {
    const { index } = service;
    const analysis = analyseQuestion([{ role: 'user', content: '网吧每天几点可以营业？另外，搬到新地址要重新办什么？' }], { analyzer: index.analyzer });
    const { perPart } = await retrieveClauses({ analysis, index });
    expect(perPart).toHaveLength(2);
    const ids = perPart.map((results) => results.map((result) => result.chunkId));
    expect(new Set(ids[0])).toEqual(new Set(ids[1]));
    expect(ids[0][0]).not.toBe(ids[1][0]);
  });
});

describe('a short second part', () => {
  const parking = `西陵市停车场管理办法

第九条 停车场收费标准由价格主管部门核定，并在入口处公示。
`;
  let mixed: RagService;

  beforeAll(async () => {
    mixed = await serviceOverFiles('short-part', { 'xiling-netbar.txt': rules, 'xiling-parking.txt': parking }, cleanups);
  });

  it('is searched with the first part\'s subject, not on its one word alone ("要收费吗？")', async () => {
    const { index } = mixed;
    const analysis = analyseQuestion([{ role: 'user', content: '网吧的游戏上线信息要保存多少天？要收费吗？' }], { analyzer: index.analyzer });
    const { perPart } = await retrieveClauses({ analysis, index });
    expect(perPart).toHaveLength(2);
    expect(perPart[1].slice(0, 4).map((result) => result.documentId)).not.toContain('xiling-parking');
  });
});

describe('a list answer', () => {
  it('puts the list\'s opener straight before its items, each item cited where it stands', async () => {
    const response = await answerQuestion(service, { messages: [{ role: 'user', content: '网吧允许上线的游戏不能含有哪些内容？' }] });
    const lines = response.answer.split('\n').filter(Boolean);
    expect(lines[0]).toMatch(/^第九条 下列内容禁止传播：\[\d+\]$/);
    expect(lines[1]).toMatch(/^- \(一\)宣扬暴力的；\[\d+\]$/);
    expect(lines[2]).toMatch(/^- \(二\)宣扬赌博的。\[\d+\]$/);
    for (const citation of response.citations) {
      expect(service.index.document(citation.documentId)!.text.slice(citation.start, citation.end)).toBe(citation.quote);
    }
  });
});

