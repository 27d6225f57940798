// Listing a corpus folder: manifest metadata, ids from file names, titles inferred when there is no manifest.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedCorpusDir, temporaryFolder, writeCorpus } from '../test-support/corpus';
import { idFromFileName, inferTitle, listCorpus } from './load-corpus';

let folder: Awaited<ReturnType<typeof temporaryFolder>>;

beforeEach(async () => {
  folder = await temporaryFolder('corpus');
});

afterEach(async () => {
  await folder.remove();
});

describe('listCorpus', () => {
  it('lists the seed corpus with its manifest ids, titles and regions', async () => {
    const entries = await listCorpus(seedCorpusDir);
    expect(entries.map((entry) => entry.meta.id)).toEqual([
      'sichuan-yigan-duozhi',
      'guizhou-regional-mechanism',
      'tianfu-new-area-practice',
      'yunnan-regional-coordination',
      'chengyu-joint-plan',
    ]);
    const yunnan = entries.find((entry) => entry.meta.id === 'yunnan-regional-coordination')!;
    expect(yunnan.meta).toMatchObject({ file: '003_a9fca6c13887d7f9.txt', title: '《云南省促进区域协调发展实施方案》', region: '云南' });
    expect(yunnan.path).toBe(join(seedCorpusDir, '003_a9fca6c13887d7f9.txt'));
  });

  it('lists supported files in nested folders without a manifest, skipping dot-folders and other types', async () => {
    await writeCorpus(folder.path, {
      '政策/通知 A.txt': '关于推进区域协调发展的通知\n\n正文。',
      'b.md': '# 标题\n\n正文。',
      'c.html': '<p>正文。</p>',
      'notes.rtf': 'x',
      'image.png': 'x',
      '.drafts/d.txt': '草稿。',
    });
    const entries = await listCorpus(folder.path);
    expect(entries.map((entry) => [entry.meta.id, entry.meta.file, entry.meta.title])).toEqual([
      ['b', 'b.md', undefined],
      ['c', 'c.html', undefined],
      ['政策-通知-A', '政策/通知 A.txt', undefined],
    ]);
  });

  it('gives files whose names map to the same id distinct ids', async () => {
    await writeCorpus(folder.path, { 'a b.txt': '正文一。', 'a-b.txt': '正文二。' });
    const ids = (await listCorpus(folder.path)).map((entry) => entry.meta.id);
    expect(new Set(ids).size).toBe(2);
    expect(ids[0]).toBe('a-b');
    expect(ids[1]).toMatch(/^a-b-[0-9a-f]{6}$/);
  });

  it('skips symbolic links and files outside the corpus root, saying so, and never serves the outside file', async () => {
    const outside = await temporaryFolder('outside');
    try {
      await writeFile(join(outside.path, 'outside.txt'), '外部机密文件\n\n不应被索引。');
      await mkdir(join(outside.path, 'nested'));
      await writeFile(join(outside.path, 'nested', 'deep.txt'), '外部目录中的文件。');
      await writeCorpus(folder.path, { 'inside.txt': '关于推进区域协调发展的通知\n\n正文。' });
      await symlink(join(outside.path, 'outside.txt'), join(folder.path, 'link.txt'));
      await symlink(join(outside.path, 'nested'), join(folder.path, 'linked-folder'));
      await symlink(join(folder.path, 'inside.txt'), join(folder.path, 'alias.txt'));
      const notices: string[] = [];
      const entries = await listCorpus(folder.path, { onNotice: (message) => notices.push(message) });
      expect(entries.map((entry) => entry.meta.file)).toEqual(['inside.txt']);
      expect(notices.sort()).toEqual([
        'skipped alias.txt: symbolic links are not followed (copy the file into the corpus folder instead)',
        'skipped link.txt: symbolic links are not followed (copy the file into the corpus folder instead)',
        'skipped linked-folder: symbolic links are not followed (copy the file into the corpus folder instead)',
      ]);
    } finally {
      await outside.remove();
    }
  });

  it('lists a corpus folder that is itself reached through a symbolic link', async () => {
    await writeCorpus(folder.path, { 'real/a.txt': '正文。' });
    await symlink(join(folder.path, 'real'), join(folder.path, 'via-link'));
    const entries = await listCorpus(join(folder.path, 'via-link'));
    expect(entries.map((entry) => entry.meta.file)).toEqual(['a.txt']);
  });

  it('warns about names starting with ".." and never records a backslash name as a path', async () => {
    await writeCorpus(folder.path, {
      'ok.txt': '正文。',
      '..hidden.txt': '正文。',
      'x..\\..\\..\\etc\\y.txt': '正文。',
      '.drafts/d.txt': '草稿。',
    });
    const notices: string[] = [];
    const entries = await listCorpus(folder.path, { onNotice: (message) => notices.push(message) });
    expect(entries.map((entry) => entry.meta.file)).toEqual(['ok.txt']);
    for (const entry of entries) expect(entry.meta.file).not.toContain('..');
    expect(notices.sort()).toEqual([
      'skipped ..hidden.txt: a name starting with ".." looks like a path outside the folder; rename the file to index it',
      'skipped x..\\..\\..\\etc\\y.txt: a name with a backslash would read as a path on Windows; rename the file to index it',
    ]);
  });

  it('rejects an invalid manifest with a message naming the file and the bad field', async () => {
    await writeCorpus(folder.path, { 'a.txt': '正文。' }, { documents: [{ file: 'a.txt', id: 'bad id/with slash' }] });
    await expect(listCorpus(folder.path)).rejects.toThrow(/manifest\.json is invalid: documents\.0\.id/);
  });
});

describe('inferTitle', () => {
  it('takes a policy-style first line as the title', () => {
    expect(inferTitle('关于推进区域协调发展的通知\n\n一、总体要求。', 'a.txt')).toBe('《关于推进区域协调发展的通知》');
    expect(inferTitle('云南省促进区域协调发展实施方案（2021年）\n\n正文。', 'a.txt')).toBe('《云南省促进区域协调发展实施方案》');
  });

  it('keeps a news report\'s own headline, never a 《…》 title it quotes', () => {
    const text = '最新方案出炉!显然,云南区域协调发展的重点是...\n\n近日,云南省委、省政府印发了《云南省促进区域协调发展实施方案》,并发出通知。';
    expect(inferTitle(text, 'a.txt')).toBe('最新方案出炉!显然,云南区域协调发展的重点是...');
  });

  it('takes a short first heading line when there is no policy title', () => {
    expect(inferTitle('区域协调发展工作简报\n\n本期内容如下。', 'a.txt')).toBe('区域协调发展工作简报');
  });

  it('falls back to the first sentence cut short, never to the file name', () => {
    const text = '这是一段很长的正文，没有任何标题，也没有书名号，只是在说明有关的情况，因此无法从中推断出标题。';
    expect(inferTitle(text, '政策/4bcd560a825d6a61.txt')).toBe('这是一段很长的正文，没有任何标题，也没有书名号，只是在说明有关的情况，因此无法从…');
  });
});

describe('idFromFileName', () => {
  it('makes a URL-safe id from a path', () => {
    expect(idFromFileName('政策/通知 A.txt')).toBe('政策-通知-A');
    expect(idFromFileName('  .txt')).toBe('document');
    expect(idFromFileName('plan_2021.v2.docx')).toBe('plan_2021.v2');
  });
});
