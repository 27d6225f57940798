// Version detection: one document issued on several dates is one group, newest first; copies and other issuers' documents are not versions.
import { describe, expect, it } from 'vitest';
import { findVersionGroups, normaliseTitle } from './find-versions';

const text = (year: number) => `河道采砂管理条例\n\n第一条 为了加强河道采砂管理，制定本条例。\n\n第二条 违反本条例的，处${year}元罚款。`;

describe('findVersionGroups', () => {
  it('groups the dated versions of one title, newest first, whatever notes and marks the titles carry', () => {
    const groups = findVersionGroups([
      { id: 'a', title: '《河道采砂管理条例》', date: '2015-03-01', text: text(2015) },
      { id: 'other', title: '河湾县林地保护管理办法', date: '2020-01-01', text: '第一条 为加强林地保护，制定本办法。' },
      { id: 'b', title: '河道采砂管理条例（2020年修订）', date: '2020-05-06', text: text(2020) },
      { id: 'c', title: '河道采砂管理条例 (2023-07-20)', date: '2023-07-20', text: text(2023) },
    ]);
    expect(groups).toEqual([
      {
        title: '河道采砂管理条例 (2023-07-20)',
        versions: [
          { id: 'c', date: '2023-07-20' },
          { id: 'b', date: '2020-05-06' },
          { id: 'a', date: '2015-03-01' },
        ],
      },
    ]);
  });

  it('counts copies once: the same text, or the same date, is one version', () => {
    const groups = findVersionGroups([
      { id: 'old', title: '河道采砂管理条例', date: '2015-03-01', text: text(2015) },
      { id: 'old-copy', title: '河道采砂管理条例', date: '2015-03-01', text: `${text(2015)}\n\n打印本页` },
      { id: 'misdated-copy', title: '河道采砂管理条例', date: '2016-01-01', text: text(2015).replace(/\n\n/g, '\n') },
      { id: 'new', title: '河道采砂管理条例', date: '2020-05-06', text: text(2020) },
    ]);
    expect(groups).toEqual([{ title: '河道采砂管理条例', versions: [{ id: 'new', date: '2020-05-06' }, { id: 'old', date: '2015-03-01' }] }]);
  });

  it('needs two known dates: an undated document is left out, a lone dated one makes no group', () => {
    expect(findVersionGroups([{ id: 'a', title: '河道采砂管理条例', text: text(2015) }, { id: 'b', title: '河道采砂管理条例', date: '2020-05-06', text: text(2020) }])).toEqual([]);
  });

  it("keeps apart two issuers' documents of the same title", () => {
    const notice = '关于做好耕地地力保护补贴发放工作的通知';
    expect(
      findVersionGroups([
        { id: 'a', title: notice, issuer: '临江县农业农村局', date: '2023-03-01', text: '临江县：每亩补贴100元。' },
        { id: 'b', title: notice, issuer: '河湾县农业农村局', date: '2024-03-01', text: '河湾县：每亩补贴120元。' },
        { id: 'c', title: notice, issuer: '临江县农业农村局', date: '2024-03-05', text: '临江县：每亩补贴110元。' },
      ]),
    ).toEqual([{ title: notice, versions: [{ id: 'c', date: '2024-03-05' }, { id: 'a', date: '2023-03-01' }] }]);
  });
});

describe('normaliseTitle', () => {
  it('sets aside book-title marks, spaces, widths and revision or date notes, not a status note', () => {
    expect(normaliseTitle('《不动产登记暂行条例（2019年修订）》')).toBe('不动产登记暂行条例');
    expect(normaliseTitle('不动产登记 暂行条例(2019-03-24)')).toBe('不动产登记暂行条例');
    expect(normaliseTitle('公共数据开放管理办法（试行）')).toBe('公共数据开放管理办法(试行)');
  });
});
