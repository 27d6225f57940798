// Duplicate detection: copies of one text group together; the same wording with other figures, places or dates does not.
import { describe, expect, it } from 'vitest';
import { findDuplicateGroups } from './find-duplicates';

const body = [
  '临江市公共租赁住房管理办法',
  '第一条 为规范公共租赁住房管理，改善城镇中低收入住房困难家庭居住条件，根据国家和省有关规定，制定本办法。',
  '第二条 本办法适用于临江市行政区域内公共租赁住房的分配、使用、退出和监督管理。',
  '第三条 申请人应当具有本市户籍或者在本市连续缴纳社会保险满12个月，家庭人均月收入低于2500元。',
  '第四条 公共租赁住房租金标准按照同地段市场租金的60%确定，每两年调整一次。',
  '第五条 承租人应当按月缴纳租金；连续6个月未缴纳租金的，应当退出公共租赁住房。',
  '第六条 市住房和城乡建设局负责全市公共租赁住房的统筹管理，区县住房保障部门负责具体实施。',
  '第七条 本办法自2024年3月1日起施行。',
].join('\n\n');

describe('findDuplicateGroups', () => {
  it('groups the same text copied under different site headers and footers, the richest copy first', () => {
    const groups = findDuplicateGroups([
      { id: 'city-site', text: `临江市人民政府网\n\n${body}\n\n打印本页` },
      { id: 'law-site', text: `${body}\n\n法规信息网`, metadata: 2 },
      { id: 'plain', text: body },
      { id: 'other', text: '河湾县林地保护管理办法\n\n第一条 为加强林地保护，合理利用林地资源，根据有关法律法规，制定本办法。\n\n第二条 本办法适用于本县行政区域内的林地保护管理。' },
    ]);
    expect(groups).toEqual([['law-site', 'city-site', 'plain']]);
  });

  it('keeps the longest copy first when metadata is equal, and groups a copy that lacks a paragraph', () => {
    const articles = ['申请', '审核', '轮候', '配租', '租赁合同', '使用', '维修', '退出', '监督'].map(
      (step, i) => `第${i + 8}条 公共租赁住房的${step}工作由住房保障部门依照本办法组织实施，有关部门应当在各自职责范围内予以配合，具体程序另行制定。`,
    );
    const full = [body, ...articles].join('\n\n');
    const short = full.replace(/\n\n第六条[^\n]*/, '');
    expect(findDuplicateGroups([{ id: 'short', text: short }, { id: 'full', text: full }])).toEqual([['full', 'short']]);
  });

  it('folds full-width digits and spaces, as web copies differ in them', () => {
    const wide = body.replace(/\d/g, (digit) => String.fromCharCode(digit.charCodeAt(0) + 0xfee0)).replace(/\n\n/g, '\n');
    expect(findDuplicateGroups([{ id: 'a', text: body }, { id: 'b', text: wide }])).toEqual([['a', 'b']]);
  });

  it('keeps apart the same wording with other figures: a newer year\'s amounts', () => {
    const newer = body.replace('低于2500元', '低于2800元').replace('60%', '65%');
    expect(findDuplicateGroups([{ id: 'old', text: body }, { id: 'new', text: newer }])).toEqual([]);
  });

  it("keeps apart another city's rule with the same figures", () => {
    const other = body.replaceAll('临江市', '河湾市');
    expect(findDuplicateGroups([{ id: 'linjiang', text: body }, { id: 'hewan', text: other }])).toEqual([]);
  });

  it('keeps apart two versions with different dates, and groups a copy whose date is unknown', () => {
    const revised = body.replace('每两年调整一次', '每三年调整一次');
    expect(findDuplicateGroups([{ id: 'v2023', text: body, date: '2023-01-01' }, { id: 'v2024', text: revised, date: '2024-01-01' }])).toEqual([]);
    expect(findDuplicateGroups([{ id: 'dated', text: body, date: '2024-01-01' }, { id: 'undated', text: body }])).toEqual([['dated', 'undated']]);
  });

  it('finds the planted copies among 700 different documents, and nothing else', () => {
    const docs = Array.from({ length: 700 }, (_, i) => ({
      id: `doc-${i}`,
      text: `第${i}号文件\n\n${Array.from({ length: 12 }, (_, j) => `第${j + 1}条 第${i}号文件规定，事项${(i * 7919 + j * 104729) % 100003}应当在${(i + j) % 28 + 1}日内办结，费用标准为每项${(i * 31 + j * 17) % 997}元。`).join('\n\n')}`,
    }));
    docs.push({ id: 'copy-of-3', text: `某某网站\n\n${docs[3].text}` }, { id: 'copy-of-500', text: `${docs[500].text}\n\n返回顶部` });
    expect(findDuplicateGroups(docs)).toEqual([
      ['copy-of-3', 'doc-3'],
      ['copy-of-500', 'doc-500'],
    ]);
  });

  it('handles empty and very short texts', () => {
    expect(findDuplicateGroups([{ id: 'a', text: '' }, { id: 'b', text: '' }, { id: 'c', text: '通知' }, { id: 'd', text: '通知' }])).toEqual([['c', 'd']]);
  });
});
