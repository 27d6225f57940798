// Retrieval over the real seed corpus: gold clauses ranked high, filters, bounds and duplicate collapsing.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestToTemporaryIndex, seedCorpusDir, temporaryFolder, writeCorpus } from '../test-support/corpus';
import { loadIndex } from './index-store';
import { PolicyIndex } from './policy-index';
import { VectorIndex } from './vector-index';

let index: PolicyIndex;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  const seed = await ingestToTemporaryIndex(seedCorpusDir);
  cleanups.push(seed.remove);
  index = new PolicyIndex(await loadIndex({ directory: seed.indexDir }));
});

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

describe('PolicyIndex.search on the seed corpus', () => {
  it.each([
    ['滇中城市群常住人口城镇化率到2025年要达到多少？', 'yunnan-regional-coordination', '滇中城市群常住人口城镇化率达到65%左右'],
    ['云南有多少个边境行政村要全部建成新时期小康村？', 'yunnan-regional-coordination', '373个边境行政村全部建成新时期小康村'],
    ['川渝高竹新区由哪两个地方共建？', 'chengyu-joint-plan', '支持广安、渝北共建川渝高竹新区'],
    ['川渝大气污染联防联控中要开展哪些污染物的连片整治？', 'chengyu-joint-plan', '开展细颗粒物(PM2.5)和臭氧(O3)污染连片整治'],
    ['贵州要在对口帮扶城市建设多少个农特产品展销中心？', 'guizhou-regional-mechanism', '在对口帮扶城市加快建设43个农特产品展销中心'],
    ['贵州新型城镇化空间格局以哪两个都市圈为核心？', 'guizhou-regional-mechanism', '贵阳—贵安—安顺、遵义两个都市圈为核心'],
    ['天府新区引育了多少家国家高新技术企业？', 'tianfu-new-area-practice', '引育国家高新技术企业4511家'],
    ['一干多支方案支持设立哪个经济技术开发区？', 'sichuan-yigan-duozhi', '支持设立蓉欧铁路港经济技术开发区'],
  ])('ranks the clause answering 「%s」 in the top 5', async (question, documentId, quote) => {
    const results = await index.search(question, { k: 5 });
    const rank = results.findIndex((result) => result.documentId === documentId && result.text.includes(quote));
    expect(rank).toBeGreaterThanOrEqual(0);
    expect(rank).toBeLessThan(5);
  });

  it('returns results best first, each the exact span of its document with title and heading path', async () => {
    const results = await index.search('共同打造国际航空门户枢纽', { k: 8 });
    expect(results[0]).toMatchObject({
      documentId: 'chengyu-joint-plan',
      title: '《重庆四川两省市贯彻落实〈成渝地区双城经济圈建设规划纲要〉联合实施方案》',
      section: ['二、合力建设现代基础设施网络', '（九）共同打造国际航空门户枢纽'],
    });
    for (let i = 1; i < results.length; i++) expect(results[i].score).toBeLessThanOrEqual(results[i - 1].score);
    for (const result of results) expect(index.document(result.documentId)!.text.slice(result.start, result.end)).toBe(result.text);
  });

  it('searches only the documents it is given', async () => {
    const results = await index.search('城镇化率', { k: 20, documents: ['guizhou-regional-mechanism'] });
    expect(results.length).toBeGreaterThan(0);
    expect(new Set(results.map((result) => result.documentId))).toEqual(new Set(['guizhou-regional-mechanism']));
    const two = await index.search('生态补偿', { k: 50, documents: ['guizhou-regional-mechanism', 'yunnan-regional-coordination'] });
    expect(new Set(two.map((result) => result.documentId))).toEqual(new Set(['guizhou-regional-mechanism', 'yunnan-regional-coordination']));
  });

  it('returns nothing for a filter naming no known document', async () => {
    expect(await index.search('城镇化率', { documents: ['no-such-document'] })).toEqual([]);
  });

  it('keeps k between 1 and 50', async () => {
    expect(await index.search('发展', { k: 3 })).toHaveLength(3);
    expect(await index.search('发展', { k: 0 })).toHaveLength(1);
    expect(await index.search('发展', { k: 2.7 })).toHaveLength(2);
    expect((await index.search('发展', { k: 1000 })).length).toBe(50);
    expect(await index.search('发展')).toHaveLength(8);
  });

  it('finds nothing for a query sharing no words with the corpus', async () => {
    expect(await index.search('火星探测器着陆')).toEqual([]);
    expect(await index.search('')).toEqual([]);
  });
});

describe('PolicyIndex lexical candidates of some chunks', () => {
  /** Exposes the candidate search the place-naming questions run a second time. */
  class CandidateIndex extends PolicyIndex {
    candidates(...args: Parameters<PolicyIndex['lexicalCandidates']>) {
      return this.lexicalCandidates(...args);
    }
  }

  it('takes the best chunks of some documents from a wider list exactly as searching them finds them', async () => {
    const candidateIndex = new CandidateIndex(index.stored);
    const documentIds = [...new Set(index.chunks.map((chunk) => chunk.documentId))];
    let fromWider = 0;
    for (const question of ['贵州要在对口帮扶城市建设多少个农特产品展销中心？', '川渝高竹新区由哪两个地方共建？', '区域协调发展', '生态补偿机制']) {
      const fields = index.queryFields(question);
      // A wider list shorter than the chunks the question matches, as at scale.
      const wider = await candidateIndex.candidates(fields, { k: 24 });
      for (let d = 0; d < documentIds.length; d++) {
        const within = new Set(documentIds.filter((_, i) => i === d || (i * 7 + d) % 5 === 0));
        const allowed = new Set(index.chunks.flatMap((chunk, position) => (within.has(chunk.documentId) ? [position] : [])));
        for (const k of [1, 3, 5, 10, 20]) {
          const searched = await candidateIndex.candidates(fields, { k, allowed });
          expect(await candidateIndex.candidates(fields, { k, allowed, wider })).toEqual(searched);
          if (wider.filter(({ doc }) => allowed.has(doc)).length >= k) fromWider++;
        }
      }
    }
    expect(fromWider).toBeGreaterThan(20);
    expect(fromWider).toBeLessThan(4 * documentIds.length * 5);
  });
});

describe('PolicyIndex dense candidates from its own vector store', () => {
  it('are the hits the VectorStore interface gives, for every search and document filter', async () => {
    const dimensions = 16;
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
    const vectors = index.chunks.map(() => Float32Array.from({ length: dimensions }, random));
    const store = VectorIndex.build(vectors, dimensions);
    // The same store behind nothing but LangChain's VectorStore method.
    const generic = {
      attach: () => undefined,
      similaritySearchVectorWithScore: (query: number[], k: number, filter?: (position: number) => boolean) => store.similaritySearchVectorWithScore(query, k, filter),
    } as unknown as VectorIndex;
    const embedder = { modelId: 'random', embedQuery: () => Promise.reject(new Error('query vectors are given')) };
    const own = new PolicyIndex({ ...index.stored, dense: store }, embedder);
    const through = new PolicyIndex({ ...index.stored, dense: generic }, embedder);
    const documentIds = [...new Set(index.chunks.map((chunk) => chunk.documentId))];
    for (const [q, question] of ['城镇化率', '生态补偿机制', '川渝高竹新区由哪两个地方共建？', '火星探测器'].entries()) {
      const queryVector = Array.from({ length: dimensions }, random);
      for (const options of [{}, { mode: 'dense' as const }, { documents: [documentIds[q % documentIds.length]] }, { documents: documentIds.slice(1, 3), mode: 'dense' as const }]) {
        for (const k of [1, 5, 20]) {
          const expected = await through.search(question, { ...options, k, queryVector });
          expect(await own.search(question, { ...options, k, queryVector })).toEqual(expected);
          if (options.mode === 'dense') expect(expected.length).toBeGreaterThan(0);
        }
      }
    }
  });
});

describe('PolicyIndex hybrid search embedding the question', () => {
  const dimensions = 16;
  const vectorOf = (text: string) => Array.from({ length: dimensions }, (_, i) => Math.sin(text.length * 7 + i * (text.charCodeAt(0) % 13)));

  /** Records when BM25 candidates are asked for. */
  class RecordingIndex extends PolicyIndex {
    readonly events: string[] = [];
    /** Answers BM25 a turn of the event loop later, as a search cluster does. */
    remote = false;
    protected override async lexicalCandidates(...args: Parameters<PolicyIndex['lexicalCandidates']>) {
      this.events.push('bm25');
      if (this.remote) await new Promise((done) => setTimeout(done, 5));
      return super.lexicalCandidates(...args);
    }
  }

  function indexWith(embedQuery: (text: string) => Promise<number[]>): RecordingIndex {
    let seed = 5;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
    const store = VectorIndex.build(
      index.chunks.map(() => Float32Array.from({ length: dimensions }, random)),
      dimensions,
    );
    const recording: RecordingIndex = new RecordingIndex({ ...index.stored, dense: store }, { modelId: 'stub', embedQuery: (text) => (recording.events.push('embed'), embedQuery(text)) });
    return recording;
  }

  it('sends the question to the embedder before BM25 runs, and ranks as with the vector given', async () => {
    const embedding = indexWith(async (text) => vectorOf(text));
    for (const question of ['城镇化率', '川渝高竹新区由哪两个地方共建？']) {
      embedding.events.length = 0;
      const embedded = await embedding.search(question, { k: 8 });
      expect(embedding.events.slice(0, 2)).toEqual(['embed', 'bm25']);
      expect(embedded).toEqual(await embedding.search(question, { k: 8, queryVector: vectorOf(question) }));
    }
  });

  it('fails the search with the error of the embedder, left unhandled nowhere', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const failing = indexWith(async () => {
        throw new Error('the embedding model is gone');
      });
      await expect(failing.search('城镇化率', { k: 5 })).rejects.toThrow('the embedding model is gone');
      failing.remote = true;
      await expect(failing.search('城镇化率', { k: 5 })).rejects.toThrow('the embedding model is gone');
      expect(await failing.search('城镇化率', { k: 5, mode: 'lexical' })).toEqual(await index.search('城镇化率', { k: 5 }));
      await new Promise((done) => setTimeout(done, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });
});

describe('PolicyIndex.search over reposted clauses', () => {
  let reposted: PolicyIndex;

  beforeAll(async () => {
    const folder = await temporaryFolder('duplicates');
    cleanups.push(folder.remove);
    const yunnan = await readFile(join(seedCorpusDir, '003_a9fca6c13887d7f9.txt'), 'utf8');
    const clause = yunnan.split('\n').find((line) => line.startsWith('(十一)完善基本公共服务均等化机制'))!;
    await writeCorpus(folder.path, {
      'original.txt': yunnan,
      'repost.txt': `转载：云南区域协调发展方案要点\n\n${clause}\n\n(编辑：某某)`,
      'other.txt': '关于加强生态环境保护的通知\n\n一、加强大气污染防治。严格控制燃煤总量。',
    });
    const ingested = await ingestToTemporaryIndex(folder.path);
    cleanups.push(ingested.remove);
    reposted = new PolicyIndex(await loadIndex({ directory: ingested.indexDir }));
  });

  it('returns a clause found in two files only once', async () => {
    const results = await reposted.search('基本公共服务均等化机制 财政事权和支出责任', { k: 10 });
    const copies = results.filter((result) => result.text.includes('稳步推进基本公共服务领域省州(市)财政事权和支出责任划分改革'));
    expect(copies).toHaveLength(1);
    expect(results.length).toBeGreaterThan(1);
  });

  it('still finds the repost when the search is limited to it', async () => {
    const results = await reposted.search('基本公共服务均等化机制', { k: 5, documents: ['repost'] });
    expect(results[0].documentId).toBe('repost');
    expect(results[0].text).toContain('(十一)完善基本公共服务均等化机制');
  });
});

describe('PolicyIndex.search over the same rule in several cities', () => {
  let cities: PolicyIndex;
  const names = ['云岭', '兰陵', '桐川', '澄湖', '鹿鸣', '松溪'];

  beforeAll(async () => {
    const folder = await temporaryFolder('cities');
    cleanups.push(folder.remove);
    const files: Record<string, string> = {};
    names.forEach((name, i) => {
      // Every other city's clause also says it in a citizen's words, so it shares more of the question.
      const plain = i === 1 ? '' : `外地人来本市打工想租公租房的，社保要交满${6 + i}个月。`;
      const migrants = `${plain}在本市稳定就业的外来务工人员，连续缴纳社会保险满${6 + i}个月的，可以申请公共租赁住房。`;
      files[`city-${i}.txt`] = [
        `${name}市住房和城乡建设局关于公共租赁住房申请的通知`,
        '',
        `一、申请条件。本市城镇户籍住房困难家庭，家庭人均月收入低于${2000 + i * 100}元的，可以申请公共租赁住房。`,
        `二、外来务工人员。${migrants}`,
        `三、租金标准。公共租赁住房租金按同地段市场租金的${60 + i}%确定。`,
      ].join('\n');
    });
    await writeCorpus(folder.path, files);
    const ingested = await ingestToTemporaryIndex(folder.path);
    cleanups.push(ingested.remove);
    cities = new PolicyIndex(await loadIndex({ directory: ingested.indexDir }));
  });

  it('keeps the same rule with other figures from other cities: they are not copies', async () => {
    const results = await cities.search('稳定就业的外来务工人员连续缴纳社会保险满多少个月可以申请公共租赁住房？', { k: 5 });
    const months = results.map((result) => /连续缴纳社会保险满(\d+)个月/.exec(result.text)?.[1]).filter(Boolean);
    expect(new Set(months).size).toBeGreaterThanOrEqual(3);
  });

  it('ranks the notice of the city a question names first, even when others share more of its words', async () => {
    const results = await cities.search('外地人在兰陵打工，想租公租房，社保要交满多久？', { k: 5 });
    expect(results[0].documentId).toBe('city-1');
    expect(results[0].text).toContain('连续缴纳社会保险满7个月');
  });

  it('searches a place named again with the chunk set kept from before, as a fresh index does', async () => {
    const questions = names.flatMap((name) => [`外地人在${name}打工，想租公租房，社保要交满多久？`, `${name}的公共租赁住房租金怎么定？`]);
    const seen = new Map<string, string>();
    // Each question twice over a long-lived index, each compared with an index that never saw a place.
    for (const question of [...questions, ...questions.reverse()]) {
      const kept = JSON.stringify(await cities.search(question, { k: 5 }));
      const fresh = JSON.stringify(await new PolicyIndex(cities.stored).search(question, { k: 5 }));
      expect(kept).toBe(fresh);
      expect(seen.get(question) ?? kept).toBe(kept);
      seen.set(question, kept);
    }
    // The place ranks first in each (the set is the right place's).
    for (const [i, name] of names.entries()) expect((await cities.search(`${name}的公共租赁住房租金怎么定？`, { k: 3 }))[0].documentId).toBe(`city-${i}`);
  });
});

describe('PolicyIndex.search for a question worded otherwise than its clause', () => {
  let library: PolicyIndex;

  beforeAll(async () => {
    const folder = await temporaryFolder('library-rules');
    cleanups.push(folder.remove);
    await writeCorpus(folder.path, {
      'library.txt': [
        '青岚市公共图书馆借阅管理办法',
        '',
        '第一条 为规范图书借阅服务，制定本办法。',
        '第二条 持有本馆读者证的读者，可以借阅本馆图书。读者证由读者本人使用，不得转借。',
        '第三条 读者每次最多可以借阅图书十册，借期为三十日，可以续借一次。',
        '第四条 读者应当爱护图书，不得在图书上涂写、划线或者撕页。',
        '第五条 借阅的图书逾期归还的，每册每日收取滞纳金零点一元，最高不超过该书原价。',
        '第六条 读者遗失或者损毁图书的，应当按照原价赔偿。',
        '第七条 本馆每周一闭馆，其余时间开放。读者可以通过网站查询图书借阅情况。',
      ].join('\n'),
    });
    const ingested = await ingestToTemporaryIndex(folder.path);
    cleanups.push(ingested.remove);
    library = new PolicyIndex(await loadIndex({ directory: ingested.indexDir }));
  });

  // 借 and 赔 are words of the question; the clauses say 借阅/借期 and 赔偿, which the segmenter keeps whole.
  it.each([
    ['图书能借多久？', '第三条 读者每次最多可以借阅图书十册，借期为三十日'],
    ['图书丢了要赔吗？', '第六条 读者遗失或者损毁图书的，应当按照原价赔偿'],
  ])('ranks first the clause answering 「%s」 by the characters it shares', async (question, quote) => {
    const [first] = await library.search(question, { k: 3 });
    expect(first.text).toContain(quote);
  });
});
