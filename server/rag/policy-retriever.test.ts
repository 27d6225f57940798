// The LangChain retriever adapter returns cited clauses through the standard Runnable interface.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunnableLambda } from '@langchain/core/runnables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestCorpus } from '../ingest/ingest-corpus.js';
import { loadIndex } from './index-store.js';
import { PolicyIndex } from './policy-index.js';
import { PolicyRetriever } from './policy-retriever.js';

let directory: string;
let index: PolicyIndex;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'retriever-'));
  await ingestCorpus({ corpusDir: 'corpus', indexDir: join(directory, 'index'), embeddingModel: null });
  index = new PolicyIndex(await loadIndex({ directory: join(directory, 'index') }));
});

afterAll(() => rm(directory, { recursive: true, force: true }));

describe('PolicyRetriever', () => {
  it('returns the clause that answers as a LangChain document with citation metadata', async () => {
    const retriever = new PolicyRetriever({ index, k: 3 });
    const documents = await retriever.invoke('滇中城市群常住人口城镇化率');
    expect(documents).toHaveLength(3);
    expect(documents[0].pageContent).toContain('65%');
    const { documentId, start, end, title } = documents[0].metadata;
    expect(documentId).toBe('yunnan-regional-coordination');
    expect(title).toBe('《云南省促进区域协调发展实施方案》');
    expect(index.document(documentId)!.text.slice(start, end)).toBe(documents[0].pageContent);
  });

  it('composes with other runnables and honours the document filter', async () => {
    const retriever = new PolicyRetriever({ index, k: 5, documents: ['guizhou-regional-mechanism'] });
    const chain = retriever.pipe(RunnableLambda.from((documents: { metadata: { documentId: string } }[]) => documents.map((document) => document.metadata.documentId)));
    const ids = await chain.invoke('生态补偿机制');
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids)).toEqual(new Set(['guizhou-regional-mechanism']));
  });
});
