// Versions: a regulation held in two versions is answered from the newest, which the answer names,
// and the older wording on the point asked is shown too, labelled as superseded.
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RagService } from '../rag/rag-service';
import { ingestToTemporaryIndex, openTestService, regulationsCorpusDir, temporaryFolder } from '../test-support/corpus';
import { answerQuestion } from './answer-question';
import { counterpartClause } from './compare-versions';

// A pair no evaluation question asks about: the fine for producing without a quota permit changed.
const older = '消耗臭氧层物质管理条例(2018-03-19).md';
const newer = '消耗臭氧层物质管理条例(2023-12-29).md';
let service: RagService;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  const folder = await temporaryFolder('versions');
  cleanups.push(folder.remove);
  for (const file of [older, newer]) await copyFile(join(regulationsCorpusDir, file), join(folder.path, file));
  const index = await ingestToTemporaryIndex(folder.path);
  cleanups.push(index.remove);
  service = await openTestService({ corpusDir: folder.path, indexDir: index.indexDir });
});

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

describe('answers from a regulation held in two versions', () => {
  it('groups the two files as versions of one regulation, the 2023 one newest', () => {
    const group = service.index.documents[0].versionGroup!;
    expect(group.versions.map((version) => version.date?.slice(0, 4))).toEqual(['2023', '2018']);
    expect(service.index.document(group.newest)!.file).toBe(newer);
  });

  it('answers from the newest version, names it, and shows the older fine as superseded', async () => {
    const response = await answerQuestion(service, { messages: [{ role: 'user', content: '没有生产配额许可证生产消耗臭氧层物质的，罚款多少？' }] });
    expect(response.answered).toBe(true);
    const [first] = response.citations;
    expect(service.index.document(first.documentId)!.file).toBe(newer);
    expect(first.version).toEqual({ label: '2023年版（现行）', superseded: false });
    expect(response.notes?.join(' ')).toContain('2023年版（现行）');
    const superseded = response.citations.filter((citation) => citation.version?.superseded);
    expect(superseded.length).toBeGreaterThanOrEqual(1);
    expect(service.index.document(superseded[0].documentId)!.file).toBe(older);
    expect(response.answer).toMatch(/已被修订的2018年版规定/);
    expect(response.answer).toContain('100万元以上500万元以下');
    // The older wording is quoted under that heading, from the older file.
    expect(response.answer.split('已被修订的2018年版规定')[1]).toContain(superseded[0].quote.slice(0, 20));
    for (const citation of response.citations) {
      expect(service.index.document(citation.documentId)!.text.slice(citation.start, citation.end)).toBe(citation.quote);
    }
  });

  it('finds the newer version\'s clause on the same point, though renumbered and reworded', () => {
    const [olderDocument, newerDocument] = [older, newer].map((file) => service.index.documents.find((document) => document.file === file)!);
    const at = olderDocument.text.indexOf('第二十七条 县级以上人民政府环境保护主管部门和其他有关部门进行监督检查，监督检查人员不得少于2人');
    expect(at).toBeGreaterThan(0);
    const clause = counterpartClause(olderDocument, at + 8, newerDocument, service.index)!;
    expect(newerDocument.text.slice(clause.start, clause.end)).toMatch(/^第二十六条 生态环境主管部门和其他有关部门进行监督检查，监督检查人员不得少于2人/);
  });

  it('lists what changed between the versions, the newer wording beside the older, each cited at its span', async () => {
    const response = await answerQuestion(service, { messages: [{ role: 'user', content: '消耗臭氧层物质管理条例2023年修订后与2018年版相比，罚款有哪些变化？' }] });
    expect(response.answered).toBe(true);
    expect(response.answer).toContain('2023年版与2018年版相比有改动的条款');
    expect(response.answer).toContain('**2023年版**：');
    expect(response.answer).toContain('**2018年版**：');
    // The fine the 2023 version sets for producing without a quota permit, next to the one it replaced.
    const files = new Set(response.citations.map((citation) => service.index.document(citation.documentId)!.file));
    expect(files).toEqual(new Set([older, newer]));
    expect(response.answer).toContain('100万元以上500万元以下');
    // One note names every quote from the superseded version, not one note per quote.
    expect(response.notes?.filter((note) => note.includes('该版本已被修订'))).toHaveLength(1);
    // Only clauses about fines are listed: a reworded clause on another subject is not.
    expect(response.answer).not.toContain('国家方案');
    // A clause worded the same in both versions is not listed.
    expect(response.answer).not.toContain('第二条 本条例所称消耗臭氧层物质');
    for (const citation of response.citations) {
      expect(service.index.document(citation.documentId)!.text.slice(citation.start, citation.end)).toBe(citation.quote);
    }
  });

  it('gives an overview of the newest version part by part when asked for its main content', async () => {
    const response = await answerQuestion(service, { messages: [{ role: 'user', content: '概述《消耗臭氧层物质管理条例》的主要内容' }] });
    expect(response.answered).toBe(true);
    const parts = [...response.answer.matchAll(/^#### (.+?)\[\d+\]$/gm)].map((match) => match[1]);
    expect(parts).toEqual(['第一章 总 则', '第二章 生产、销售和使用', '第三章 进出口', '第四章 监督检查', '第五章 法律责任', '第六章 附 则']);
    for (const citation of response.citations) {
      expect(service.index.document(citation.documentId)!.file).toBe(newer);
      expect(citation.quote).not.toContain('\n');
    }
  });

  it('does not list version changes for a question that does not ask what changed', async () => {
    const response = await answerQuestion(service, { messages: [{ role: 'user', content: '消耗臭氧层物质管理条例对无证生产和违规进出口的罚款有何异同？' }] });
    expect(response.answer).not.toContain('相比有改动的条款');
  });
});

describe('a comparison between a regulation held in two versions and another regulation', () => {
  const other = '废弃电器电子产品回收处理管理条例(2019-03-02).md';
  let mixed: RagService;

  beforeAll(async () => {
    const folder = await temporaryFolder('versions-and-other');
    cleanups.push(folder.remove);
    for (const file of [older, newer, other]) await copyFile(join(regulationsCorpusDir, file), join(folder.path, file));
    const index = await ingestToTemporaryIndex(folder.path);
    cleanups.push(index.remove);
    mixed = await openTestService({ corpusDir: folder.path, indexDir: index.indexDir });
  });

  const filesCited = async (question: string) => {
    const response = await answerQuestion(mixed, { messages: [{ role: 'user', content: question }] });
    expect(response.answered).toBe(true);
    return { response, files: new Set(response.citations.map((citation) => mixed.index.document(citation.documentId)!.file)) };
  };

  it('reads the newest version of the one, once, beside the other', async () => {
    const { response, files } = await filesCited('现行《消耗臭氧层物质管理条例》与《废弃电器电子产品回收处理管理条例》在法律责任方面的规定有何不同？');
    expect(files).toEqual(new Set([newer, other]));
    expect(response.answer.match(/^### 《消耗臭氧层物质管理条例》/gm)).toHaveLength(1);
  });
});
