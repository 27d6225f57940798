// `npm run soak [-- --reindexes 50 --askers 4 --pause-ms 500 --lexical]`: re-indexes a running server again and again
// (POST /api/admin/reindex) while clients keep asking, and checks that memory stays flat and that no
// quote in any answer differs from `document.text.slice(start, end)` of the index that answered it.
// A document is edited between re-indexes without changing its length (补助1500元 → 补助2000元 …), the
// case where a cache keyed by chunk id and offsets would quote the old text. Exits 1 on any stale
// quote or failed request.
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startServer } from '../server/serve.js';
import { formatNumber as num, formatTable } from './bench/print-table.js';
import { writeTinyModel } from './make-tiny-model.js';

const { values: args } = parseArgs({
  options: {
    reindexes: { type: 'string', default: '50' },
    askers: { type: 'string', default: '4' },
    'pause-ms': { type: 'string', default: '500' },
    lexical: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log(
    'usage: npm run soak -- [--reindexes 50] [--askers 4] [--pause-ms 500] [--lexical]\n' +
      '  --pause-ms  time between re-indexes in which answers can be checked against a settled index\n' +
      '  --lexical   no embedding model (default: the generated tiny ONNX model, so every re-index also embeds)',
  );
  process.exit(0);
}
const reindexes = Number(args.reindexes);
const askers = Number(args.askers);
const pauseMs = Number(args['pause-ms']);
const token = 'soak-admin-token';
const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** The edited notice: only the figure changes, always four digits, so every offset stays the same. */
const figures = ['1500', '2000', '2500', '3000', '3500'];
const noticeText = (figure: string) =>
  `测试市育儿补贴发放办法\n\n第一条 为减轻家庭养育负担，测试市对三周岁以下婴幼儿家庭发放育儿补贴。\n\n第二条 育儿补贴标准为每孩每年补助${figure}元，按年度一次性发放。\n\n第三条 申请人应向户籍所在地街道办事处提出申请。\n`;
const editedQuestion = '测试市育儿补贴每孩每年补助多少钱？';
const questions = [editedQuestion, '滇中城市群常住人口城镇化率到2025年要达到多少？', '川渝高竹新区由哪两个地方共建？', '天府新区引育了多少家国家高新技术企业？', '各省在生态补偿方面怎么规定的'];

interface Citation {
  documentId: string;
  quote: string;
  start: number;
  end: number;
}

const work = await mkdtemp(join(tmpdir(), 'policy-cite-soak-'));
const corpusDir = join(work, 'corpus');
await cp(join(repoRoot, 'corpus'), corpusDir, { recursive: true });
await writeFile(join(corpusDir, 'soak-notice.txt'), noticeText(figures[0]));
const env: Record<string, string> = { ADMIN_TOKEN: token, RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'error', LLM_BASE_URL: '', ALLOW_REMOTE_MODELS: 'false' };
if (args.lexical) env.EMBEDDING_MODEL = 'none';
else {
  const { modelId } = await writeTinyModel({ directory: join(work, 'models'), dimensions: 32 });
  Object.assign(env, { EMBEDDING_MODEL: modelId, MODELS_DIR: join(work, 'models') });
}
const server = await startServer({ port: 0, host: '127.0.0.1', corpusDir, indexDir: join(work, 'index'), env });
console.error(`soak: ${reindexes} re-indexes of ${server.url} with ${askers} clients asking meanwhile; dense retrieval ${server.service.index.hasDense ? 'on' : 'off'}`);

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const documentText = async (id: string) => ((await (await fetch(`${server.url}/api/documents/${encodeURIComponent(id)}`)).json()) as { text: string }).text;

// Index generations: a quote can only be checked against the document of the index that answered it,
// so answers whose window overlapped a re-index are counted, not checked.
let generation = 0;
let reindexing = false;
const tally = { answers: 0, checkedQuotes: 0, overlapped: 0, staleQuotes: 0, failures: 0, quiescentChecks: 0, staleAfterReindex: 0 };
const staleExamples: string[] = [];

/** Quotes of `citations` that are not the text at their offsets in the document served now. */
async function staleQuotes(citations: Citation[]): Promise<string[]> {
  const stale: string[] = [];
  for (const citation of citations) {
    const text = await documentText(citation.documentId);
    if (text.slice(citation.start, citation.end) !== citation.quote) stale.push(`${citation.documentId}@${citation.start}: quote "${citation.quote.slice(0, 40)}" but the text says "${text.slice(citation.start, citation.end).slice(0, 40)}"`);
  }
  return stale;
}

async function ask(question: string): Promise<{ citations: Citation[]; answer: string } | undefined> {
  const response = await post('/api/chat', { messages: [{ role: 'user', content: question }] });
  if (response.status !== 200) {
    tally.failures++;
    return undefined;
  }
  tally.answers++;
  return (await response.json()) as { citations: Citation[]; answer: string };
}

let stop = false;
async function asker(offset: number): Promise<void> {
  for (let i = offset; !stop; i++) {
    const before = { generation, reindexing };
    const body = await ask(questions[i % questions.length]).catch(() => (tally.failures++, undefined));
    if (!body) continue;
    const stale = await staleQuotes(body.citations);
    if (before.reindexing || reindexing || before.generation !== generation) tally.overlapped++;
    else {
      tally.checkedQuotes += body.citations.length;
      tally.staleQuotes += stale.length;
      if (stale.length > 0 && staleExamples.length < 5) staleExamples.push(...stale);
    }
  }
}

const gc = (globalThis as { gc?: () => void }).gc;
const samples: { reindex: number; rssMb: number; heapMb: number; externalMb: number; reindexMs: number }[] = [];
const sample = (reindex: number, reindexMs: number) => {
  gc?.();
  const memory = process.memoryUsage();
  samples.push({ reindex, rssMb: memory.rss / 2 ** 20, heapMb: memory.heapUsed / 2 ** 20, externalMb: (memory.external + memory.arrayBuffers) / 2 ** 20, reindexMs });
};
sample(0, 0);

const clients = Array.from({ length: askers }, (_, i) => asker(i));
let lastReindexMs = 0;
for (let round = 1; round <= reindexes; round++) {
  const figure = figures[round % figures.length];
  await writeFile(join(corpusDir, 'soak-notice.txt'), noticeText(figure));
  reindexing = true;
  const started = performance.now();
  const response = await post('/api/admin/reindex', {}, { authorization: `Bearer ${token}` });
  lastReindexMs = performance.now() - started;
  generation++;
  reindexing = false;
  if (response.status !== 200) {
    tally.failures++;
    console.error(`re-index ${round} failed: ${response.status} ${await response.text()}`);
    continue;
  }
  // Between re-indexes the answer must quote the figure the document says now.
  const body = await ask(editedQuestion);
  if (body) {
    tally.quiescentChecks++;
    const stale = await staleQuotes(body.citations);
    const edited = body.citations.find((citation) => citation.documentId === 'soak-notice' && /补助\d{4}元/.test(citation.quote));
    if (stale.length > 0 || !edited || !edited.quote.includes(`补助${figure}元`)) {
      tally.staleAfterReindex++;
      if (staleExamples.length < 5) staleExamples.push(`after re-index ${round} (document says 补助${figure}元): ${stale[0] ?? `answer quotes "${edited?.quote ?? body.answer.slice(0, 60)}"`}`);
    }
  }
  if (round % 5 === 0 || round === 1) sample(round, lastReindexMs);
  if (process.stderr.isTTY) process.stderr.write(`\rre-index ${round}/${reindexes}`);
  else if (round % 10 === 0) console.error(`re-index ${round}/${reindexes}`);
  await new Promise((resume) => setTimeout(resume, pauseMs));
}
stop = true;
await Promise.all(clients);
if (process.stderr.isTTY) process.stderr.write('\n');
await server.close();
await rm(work, { recursive: true, force: true });

console.log(
  formatTable(
    `Memory over ${reindexes} re-indexes (after gc${gc ? '' : ' — not exposed: run with node --expose-gc'})`,
    ['after re-index', 'RSS MB', 'heap used MB', 'external+buffers MB', 're-index ms'],
    samples.map((entry) => [entry.reindex, num(entry.rssMb), num(entry.heapMb), num(entry.externalMb), entry.reindex === 0 ? undefined : num(entry.reindexMs, 0)]),
  ),
);
// Growth per re-index after the first five (warm-up: caches, JIT, first model loads), least squares.
const steady = samples.filter((entry) => entry.reindex >= 5);
const slope = (pick: (entry: (typeof samples)[number]) => number) => {
  if (steady.length < 2) return NaN;
  const meanX = steady.reduce((sum, entry) => sum + entry.reindex, 0) / steady.length;
  const meanY = steady.reduce((sum, entry) => sum + pick(entry), 0) / steady.length;
  const numerator = steady.reduce((sum, entry) => sum + (entry.reindex - meanX) * (pick(entry) - meanY), 0);
  return numerator / steady.reduce((sum, entry) => sum + (entry.reindex - meanX) ** 2, 0);
};
console.log(`\ngrowth per re-index after the 5th: RSS ${num(slope((entry) => entry.rssMb), 2)} MB, heap ${num(slope((entry) => entry.heapMb), 2)} MB`);
console.log(
  formatTable('Answers while re-indexing', ['measure', 'count'], [
    ['answers', tally.answers],
    ['failed requests', tally.failures],
    ['quotes checked (no re-index during the answer)', tally.checkedQuotes],
    ['stale quotes among them', tally.staleQuotes],
    ['answers overlapping a re-index (not checked)', tally.overlapped],
    ['checks right after a re-index (edited figure)', tally.quiescentChecks],
    ['stale answers right after a re-index', tally.staleAfterReindex],
  ]),
);
for (const example of staleExamples) console.log(`stale: ${example}`);
const ok = tally.staleQuotes === 0 && tally.staleAfterReindex === 0 && tally.failures === 0;
console.log(ok ? '\nsoak passed: no stale quote, no failed request' : '\nsoak FAILED: see the stale quotes / failures above');
process.exit(ok ? 0 : 1);
