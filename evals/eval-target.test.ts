// What the in-process target hands the product: the item's answer mode, and a synonym file when named.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../server/config';
import { answerModeFor, openInProcessTarget, targetConfig } from './eval-target';
import { parseDatasetLine } from './load-dataset';

describe('eval target', () => {
  it('passes --synonyms to the product as SYNONYMS_FILE and leaves the configuration alone otherwise', () => {
    const config = parseConfig({});
    expect(targetConfig(config)).toBe(config);
    expect(targetConfig(config, '/tmp/empty.txt')).toMatchObject({ SYNONYMS_FILE: '/tmp/empty.txt', CORPUS_DIR: config.CORPUS_DIR });
  });

  it('refuses a synonym file it cannot read before ingesting anything', async () => {
    await expect(openInProcessTarget({ corpusDir: 'corpus', config: parseConfig({}), embeddingModel: null, synonymsFile: '/nonexistent/synonyms.txt' })).rejects.toThrow(/--synonyms: cannot read/);
  });

  it('asks each item in its own mode', () => {
    expect(answerModeFor(parseDatasetLine('{"id":"a","type":"topic","mode":"summary","question":"概述一下","answerable":false}', 1))).toBe('summary');
    expect(answerModeFor(parseDatasetLine('{"id":"b","type":"summary","question":"总结一下","answerable":false}', 1))).toBe('summary');
    expect(answerModeFor(parseDatasetLine('{"id":"c","type":"factual","question":"多少钱？","answerable":false}', 1))).toBe('answer');
  });
});
