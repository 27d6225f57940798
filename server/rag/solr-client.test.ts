// The Solr client and the cluster index without a cluster: a stand-in Solr node on loopback, a port nobody
// listens on, and what the HTTP API answers when no node of the cluster answers.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import { ingestToTemporaryIndex, seedCorpusDir, testConfig } from '../test-support/corpus';
import { ClusterIndex } from './cluster-index';
import { loadIndex } from './index-store';
import { ClusterUnavailableError, SolrClient, SolrError } from './solr-client';

let node: Server;
let nodeUrl: string;
let closedUrl: string;
const requests: string[] = [];

const listen = (server: Server) => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/solr`)));

beforeAll(async () => {
  node = createServer((request, response) => {
    requests.push(request.url ?? '');
    response.setHeader('content-type', 'application/json');
    if (request.url?.startsWith('/solr/missing/')) {
      response.statusCode = 404;
      response.end(JSON.stringify({ error: { msg: 'Collection not found: missing', code: 404 } }));
      return;
    }
    response.end(JSON.stringify({ response: { numFound: 0, docs: [] } }));
  });
  nodeUrl = await listen(node);
  // A port that was just free: nothing listens there any more.
  const gone = createServer();
  closedUrl = await listen(gone);
  await new Promise((resolve) => gone.close(resolve));
});

afterAll(async () => {
  await new Promise((resolve) => node.close(resolve));
});

describe('SolrClient', () => {
  it('moves on to the next node when one refuses the connection, and stays with the one that answered', async () => {
    const client = new SolrClient({ urls: [closedUrl, nodeUrl] });
    requests.length = 0;
    await client.request({ path: '/policy/select', params: { q: '*:*' } });
    await client.request({ path: '/policy/select', params: { q: '*:*' } });
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatch(/^\/solr\/policy\/select\?wt=json&q=/);
  });

  it('says which nodes failed and how when none answers', async () => {
    const client = new SolrClient({ urls: [closedUrl, closedUrl.replace('/solr', '/other')] });
    const failure = client.request({ path: '/policy/select' });
    await expect(failure).rejects.toBeInstanceOf(ClusterUnavailableError);
    await expect(failure).rejects.toThrow(/no Solr node answered \(.*connection refused; .*connection refused\)/);
  });

  it("passes Solr's own message on for a request Solr refuses, without trying other nodes", async () => {
    const client = new SolrClient({ urls: [nodeUrl, closedUrl] });
    const failure = client.request({ path: '/missing/select' });
    await expect(failure).rejects.toBeInstanceOf(SolrError);
    await expect(failure).rejects.toThrow('Solr /missing/select: Collection not found: missing');
  });

  it('sends long queries (vectors, many terms) as a form body', async () => {
    const client = new SolrClient({ urls: [nodeUrl] });
    requests.length = 0;
    await client.request({ path: '/policy/select', params: { q: `{!knn f=vector topK=5}[${new Array(512).fill(0.5).join(',')}]` }, post: true });
    expect(requests).toEqual(['/solr/policy/select']);
  });
});

describe('a cluster index whose nodes are all down', () => {
  it('answers searches with 503 index_unavailable, not a stack trace', async () => {
    const seed = await ingestToTemporaryIndex(seedCorpusDir);
    try {
      const stored = await loadIndex({ directory: seed.indexDir });
      const index = new ClusterIndex(stored, undefined, { client: new SolrClient({ urls: [closedUrl] }), collection: 'policy-cite_000000000000' });
      const app = createApp({ index, config: testConfig() }, { log: () => undefined, webDir: '/nonexistent' });
      const response = await app.request('/api/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '就业补贴' }) });
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ error: { code: 'index_unavailable', message: 'The search cluster did not answer; try again shortly.' } });
    } finally {
      await seed.remove();
    }
  });
});
