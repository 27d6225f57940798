import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Analyzer } from '../rag/analyzer';
import { seedCorpusDir } from '../test-support/corpus';
import { tokenizeMany } from './tokenize-many';

describe('tokenizeMany', () => {
  it('gives on worker threads exactly the tokens the analyzer gives on its own, in order', async () => {
    const files = (await readdir(seedCorpusDir)).filter((file) => file.endsWith('.txt') || file.endsWith('.md'));
    const lines = (await Promise.all(files.map((file) => readFile(join(seedCorpusDir, file), 'utf8')))).flatMap((text) => text.split('\n'));
    // Corpus words and a user dictionary change the cut: the workers must load the same lines.
    const analyzer = new Analyzer({ corpusWords: ['双城经济圈', '一干多支'] });
    const texts = [...lines, '', '\u0001控制\u0002字符 2025年 65% 省*府', '１２３ ＡＢＣ 全角'];
    const expected = texts.map((text) => analyzer.tokenize(text));
    const progress: number[] = [];
    const got = await tokenizeMany(analyzer, texts, { threads: 2, onProgress: (done) => progress.push(done) });
    expect(got).toEqual(expected);
    expect(got.flat().length).toBeGreaterThan(10_000);
    expect(progress.at(-1)).toBe(texts.length);
  });

  it('cuts on the calling thread when asked to, or when the texts are few', async () => {
    const analyzer = new Analyzer();
    const texts = ['成渝地区双城经济圈建设', '省*府办公厅关于印发的通知'];
    expect(await tokenizeMany(analyzer, texts, { threads: 0 })).toEqual(texts.map((text) => analyzer.tokenize(text)));
    expect(await tokenizeMany(analyzer, texts)).toEqual(texts.map((text) => analyzer.tokenize(text)));
  });
});
