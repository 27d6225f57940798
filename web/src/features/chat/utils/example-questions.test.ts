import { describe, expect, it } from 'vitest';
import type { DocumentSection, DocumentSummary } from '../../documents/api/types';
import { bareTitle, buildExampleQuestions, headingTopic, pickExampleDocuments, pickSectionTopics } from './example-questions';

function doc(id: string, title: string, chunks: number, extra: Partial<DocumentSummary> = {}): DocumentSummary {
  return { id, title, chunks, chars: chunks * 200, ...extra };
}

function section(path: string[], start: number, end: number): DocumentSection {
  return { path, start, end };
}

describe('pickExampleDocuments', () => {
  it('takes the documents with the most clauses, one per title, skipping copies and superseded versions', () => {
    const library = [
      doc('bee-small', '《养蜂场登记办法》', 4),
      doc('kite-2019', '《风筝放飞安全条例》', 90, {
        versionGroup: { title: '《风筝放飞安全条例》', versions: [{ id: 'kite-2024' }, { id: 'kite-2019' }], newest: 'kite-2024' },
      }),
      doc('kite-2024', '《风筝放飞安全条例》', 80, {
        versionGroup: { title: '《风筝放飞安全条例》', versions: [{ id: 'kite-2024' }, { id: 'kite-2019' }], newest: 'kite-2024' },
      }),
      doc('lamp-copy', '《路灯维护管理规定》', 120, { duplicateOf: 'lamp' }),
      doc('lamp', '《路灯维护管理规定》', 60),
      doc('lamp-again', '路灯维护管理规定', 59),
      doc('well', '《水井保护办法》', 30),
    ];
    expect(pickExampleDocuments(library, 3).map((document) => document.id)).toEqual(['kite-2024', 'lamp', 'well']);
  });

  it('gives the same pick whatever order the listing comes in', () => {
    const library = [doc('b', '《乙办法》', 10), doc('a', '《甲办法》', 10), doc('c', '《丙办法》', 10)];
    const reversed = [...library].reverse();
    expect(pickExampleDocuments(reversed, 2)).toEqual(pickExampleDocuments(library, 2));
  });
});

describe('pickSectionTopics', () => {
  const title = '《风筝放飞安全条例》';

  it('prefers the innermost named parts, biggest first, without their numbers', () => {
    const sections = [
      section(['第一章 总 则'], 0, 400),
      section(['第二章 放飞场地'], 400, 3000),
      section(['第二章 放飞场地', '第一节 场地审批'], 420, 1400),
      section(['第二章 放飞场地', '第二节 场地巡查'], 1400, 3000),
      section(['第三章 法律责任'], 3000, 3900),
    ];
    expect(pickSectionTopics(sections, title, 3)).toEqual(['场地巡查', '场地审批', '法律责任']);
  });

  it('never asks about boilerplate, list items under an article, cut-off or tiny parts', () => {
    const sections = [
      section(['一、指导思想'], 0, 900),
      section(['二、主要任务…'], 900, 2000),
      section(['三、加强空域协调'], 2000, 2600),
      section(['三、加强空域协调', '第十二条', '（一）风筝线长超过二百米的'], 2100, 2400),
      section(['四、（略）'], 2600, 3000),
      section(['五、宣传'], 3000, 3100),
    ];
    expect(pickSectionTopics(sections, title, 3)).toEqual(['加强空域协调']);
  });

  it('returns nothing for a document without usable headings', () => {
    expect(pickSectionTopics([], title, 2)).toEqual([]);
    expect(pickSectionTopics([section(['第一条'], 0, 500)], title, 2)).toEqual([]);
  });
});

describe('headingTopic', () => {
  it('drops numbering of every common form and inner spaces', () => {
    expect(headingTopic('第三章 监督 检查', '《某办法》')).toBe('监督检查');
    expect(headingTopic('（十二）完善放飞登记', '《某办法》')).toBe('完善放飞登记');
    expect(headingTopic('2. 场地要求', '《某办法》')).toBe('场地要求');
    expect(headingTopic('2025年工作安排', '《某办法》')).toBe('2025年工作安排');
  });
});

describe('buildExampleQuestions', () => {
  const documents = [doc('kite', '《风筝放飞安全条例》', 90), doc('lamp', '路灯维护管理规定', 60), doc('well', '《水井保护办法》', 30)];

  it('asks about a heading of the first document and about the others as a whole', () => {
    expect(buildExampleQuestions({ documents, topics: ['场地巡查', '法律责任'] })).toEqual({
      answer: ['《风筝放飞安全条例》关于场地巡查有哪些规定？', '《路灯维护管理规定》的主要内容是什么？', '《水井保护办法》的主要内容是什么？'],
      summary: ['概述《风筝放飞安全条例》关于法律责任的规定', '概述《路灯维护管理规定》的主要内容'],
    });
  });

  it('asks about whole documents when the outline gave no topic', () => {
    const questions = buildExampleQuestions({ documents: documents.slice(0, 2) });
    expect(questions.answer).toEqual(['《风筝放飞安全条例》的主要内容是什么？', '《路灯维护管理规定》的主要内容是什么？']);
    expect(questions.summary).toEqual(['概述《风筝放飞安全条例》的主要内容', '概述《路灯维护管理规定》的主要内容']);
  });

  it('still offers two different questions for a library of one document, and none for an empty one', () => {
    const questions = buildExampleQuestions({ documents: documents.slice(0, 1), topics: ['场地巡查'] });
    expect(questions.answer).toEqual(['《风筝放飞安全条例》关于场地巡查有哪些规定？', '《风筝放飞安全条例》的主要内容是什么？']);
    expect(questions.summary).toEqual(['概述《风筝放飞安全条例》关于场地巡查的规定', '概述《风筝放飞安全条例》的主要内容']);
    expect(buildExampleQuestions({ documents: [] })).toEqual({ answer: [], summary: [] });
  });

  it('never doubles the 《》 of a title stored with them', () => {
    expect(bareTitle('《水井保护办法》')).toBe('水井保护办法');
    expect(bareTitle('水井保护办法')).toBe('水井保护办法');
  });
});
