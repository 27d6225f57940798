// The eval loop: every question through every system (same questions, same k), scored and aggregated
// per split (test, dev, all) and question type, with bootstrap confidence intervals.
import { analyseQuestion } from '../server/answer/analyse-question.js';
import { defaultAnalyzer } from '../server/rag/analyzer.js';
import {
  createCharacterBm25,
  createLangchainRecipe,
  createNaiveBaseline,
  naiveWindow,
  sectionAt,
  simpleExtractiveAnswer,
  type CitedAnswer,
  type CorpusView,
  type RetrievedChunk,
  type Retriever,
} from './baselines.js';
import { bootstrapIntervals, resampleIndexes, type IntervalRow } from './bootstrap.js';
import type { EvalTarget, SearchMode } from './eval-target.js';
import { calibrateRefusalThreshold, declinedAnswer, declines, fairAnswer, type RefusalThreshold } from './fair-baseline.js';
import { itemMessages, naiveRetrievalQuery, type EvalItem, type EvidenceQuote, type Split } from './load-dataset.js';
import {
  aggregate,
  answerLength,
  answerPrecision,
  checkFaithfulness,
  citationScores,
  documentCopies,
  evidenceGroups,
  factScores,
  locateQuote,
  matchEvidence,
  percentile,
  scoreRetrieval,
  spansCited,
  type AnswerKind,
  type CitationSpan,
  type EvidenceSpan,
  type ItemScores,
  type MetricRow,
  type SentenceSupport,
} from './metrics.js';

/** The systems a run can compare, in report order: the naive reference first, the product last. */
export const systemIds = ['naive', 'langchain', 'char-bm25', 'lexical', 'dense', 'product'] as const;
export type SystemId = (typeof systemIds)[number];

/** Text the reports show in either language. */
export interface Localized {
  zh: string;
  en: string;
}

export const localized = (en: string, zh: string = en): Localized => ({ en, zh });

export interface SystemInfo {
  id: SystemId;
  label: Localized;
  /** How it retrieves, and how its answer column is produced. */
  retrieval: Localized;
  answers: Localized;
}

/**
 * A row of the answer tables. The product answers in its own way; each baseline answers in a fair
 * form (its key is the system id) and in the simple extractive form (key `<id>:simple`).
 */
export type AnswerForm = 'product' | 'fair' | 'simple';
export interface AnswerRow {
  key: string;
  system: SystemId;
  form: AnswerForm;
}

/** A retrieved chunk as kept in the report. */
export interface RetrievedRecord {
  chunkId: string;
  documentId: string;
  title: string;
  section: string[];
  start: number;
  end: number;
  text: string;
  score?: number;
  /** Overlaps gold evidence. */
  relevant: boolean;
}

/** One answer and how it scored. */
export interface AnswerResult {
  answer: CitedAnswer;
  scores: ItemScores;
  missingFacts: string[];
  unsupported: SentenceSupport[];
}

export interface SystemItemResult extends AnswerResult {
  retrievalQuery: string;
  retrieved: RetrievedRecord[];
  /** The best retrieval score (what the fair form declines on). */
  topScore?: number;
  /** Baselines: the simple extractive form (the top chunk's first two sentences); `answer` is the fair form. */
  simple?: AnswerResult;
  judgeNote?: string;
}

/** A gold evidence quote with where it sits, for readers of the report. */
export interface EvidenceRecord extends EvidenceSpan {
  title: string;
  section: string[];
}

export interface ItemRun {
  item: EvalItem;
  evidence: EvidenceRecord[];
  /** Per evidence quote, its group: copies of one quote in copies of one document share one. */
  groups: number[];
  superseded: EvidenceRecord[];
  results: Partial<Record<SystemId, SystemItemResult>>;
}

/** Metrics of every answer row over one part of the run: a split, or all questions. */
export interface MetricTable {
  /** The splits it covers: one, or both (all questions of a run that has both). */
  splits: Split[];
  questions: number;
  answerable: number;
  overall: Record<string, MetricRow>;
  intervals: Record<string, IntervalRow>;
  types: string[];
  byType: Record<string, Record<string, MetricRow>>;
  intervalsByType: Record<string, Record<string, IntervalRow>>;
}

/** How the baselines' fair form was set up in this run. */
export interface FairSetup {
  /** Characters a fair answer may have: the product's median answer length in this run. */
  maxChars: number;
  /** Where `maxChars` came from. */
  source: 'product' | 'default';
  thresholds: Partial<Record<SystemId, RefusalThreshold>>;
}

export interface EvalRun {
  /** Bumped when the stored JSON changes shape (`--compare` reads it). */
  format: number;
  dataset: string;
  target: string;
  k: number;
  /** Which items were run (`--split`). */
  split: Split | 'all';
  synonymsFile?: string;
  startedAt: string;
  durationMs: number;
  dense: boolean;
  answerModel: string;
  systems: SystemInfo[];
  rows: AnswerRow[];
  skipped: { id: SystemId; reason: Localized }[];
  notes: Localized[];
  types: string[];
  fair: FairSetup;
  items: ItemRun[];
  /** Test first, then dev, then (when the run has both) all. */
  tables: MetricTable[];
  /** The table over every question of the run. */
  overall: Record<string, MetricRow>;
  byType: Record<string, Record<string, MetricRow>>;
}

export const reportFormat = 2;

/** Retrieved chunks kept per question in the report (metrics use the full depth k). */
const keptResults = 5;
const snippetChars = 120;
/** Fair answers' length when the product did not run (or never answered). */
const defaultFairChars = 200;

interface SystemResponse {
  retrievalQuery: string;
  retrieved: RetrievedChunk[];
  answer: CitedAnswer;
  kind: AnswerKind;
  latencyMs: number;
}

interface RunnableSystem extends SystemInfo {
  respond(item: EvalItem, productQuery: string): Promise<SystemResponse>;
}

const simpleAnswers = localized("simple extractive: the top chunk's first two sentences, cited", '简单抽取：第一条结果的前两句，附引用');

/** Builds the requested systems the target supports; the rest are returned as skipped with a reason. */
async function buildSystems({ target, requested, k }: { target: EvalTarget; requested: SystemId[]; k: number }): Promise<{ systems: RunnableSystem[]; skipped: EvalRun['skipped'] }> {
  const systems: RunnableSystem[] = [];
  const skipped: EvalRun['skipped'] = [];
  const fromRetriever = (retriever: Retriever, query: (item: EvalItem, productQuery: string) => string) => async (item: EvalItem, productQuery: string) => {
    const started = performance.now();
    const retrievalQuery = query(item, productQuery);
    const retrieved = await retriever.retrieve(retrievalQuery, k);
    const answer = simpleExtractiveAnswer(retrieved);
    return { retrievalQuery, retrieved, answer, kind: 'extractive' as const, latencyMs: performance.now() - started };
  };
  const productSearch = (mode: SearchMode): Retriever => ({ retrieve: (query, depth) => target.search(query, { k: depth, mode }) });

  for (const id of requested) {
    if (id === 'naive') {
      const naive = createNaiveBaseline(target.corpus);
      systems.push({
        id,
        label: localized('Naive: char-bigram BM25, 350-char windows', '朴素基线：字二元组 BM25，350 字窗口'),
        retrieval: localized(
          `BM25 (k1 1.2, b 0.75) over character bigrams of fixed ${naiveWindow.chars}-character windows overlapping by ${naiveWindow.overlap} (${naive.windowCount} windows of the cleaned texts), no segmentation, no synonyms; follow-ups: user turns joined`,
          `BM25（k1 1.2，b 0.75），按汉字二元组切词，对清洗后全文按固定 ${naiveWindow.chars} 字切窗、相邻窗口重叠 ${naiveWindow.overlap} 字（共 ${naive.windowCount} 个窗口），不分词、无同义词；追问时拼接用户各轮`,
        ),
        answers: simpleAnswers,
        respond: fromRetriever(naive, naiveRetrievalQuery),
      });
    } else if (id === 'langchain') {
      const recipe = await createLangchainRecipe({ corpus: target.corpus, embeddings: target.embeddings });
      systems.push({
        id,
        label: localized('LangChain default recipe', 'LangChain 默认方案'),
        retrieval: localized(
          `RecursiveCharacterTextSplitter (chunkSize 1000, chunkOverlap 200) over the cleaned texts, ${recipe.chunkCount} chunks; ranked by ${recipe.method}; follow-ups: user turns joined`,
          `RecursiveCharacterTextSplitter（chunkSize 1000，chunkOverlap 200）切分清洗后全文，共 ${recipe.chunkCount} 块；排序：${recipe.method}；追问时拼接用户各轮`,
        ),
        answers: simpleAnswers,
        respond: fromRetriever(recipe, naiveRetrievalQuery),
      });
    } else if (id === 'char-bm25') {
      systems.push({
        id,
        label: localized('BM25, single characters', '单字 BM25'),
        retrieval: localized(
          `BM25 over the product's ${target.corpus.chunks.length} chunks with one token per Han character (no word segmentation, no synonyms); follow-ups: user turns joined`,
          `BM25，检索产品的 ${target.corpus.chunks.length} 个条款块，每个汉字一个词（不分词、无同义词）；追问时拼接用户各轮`,
        ),
        answers: simpleAnswers,
        respond: fromRetriever(createCharacterBm25(target.corpus), naiveRetrievalQuery),
      });
    } else if (id === 'lexical' || id === 'dense') {
      if (!target.searchModes.includes(id)) {
        skipped.push({
          id,
          reason:
            id === 'dense'
              ? localized('no embedding model is loaded, so there is no dense retriever (see the note on dense retrieval)', '没有加载向量模型，因此没有向量检索（见关于向量检索的说明）')
              : localized('the HTTP API offers hybrid search only', 'HTTP 接口只提供混合检索'),
        });
        continue;
      }
      systems.push({
        id,
        label: id === 'lexical' ? localized('Product retriever, lexical only', '产品检索（仅词法）') : localized('Product retriever, dense only', '产品检索（仅向量）'),
        retrieval:
          id === 'lexical'
            ? localized('the product index, BM25 over jieba words + bigrams + headings (mode lexical)', '产品索引，BM25（结巴分词 + 二元组 + 标题层级，lexical 模式）')
            : localized('the product index, embeddings only (mode dense)', '产品索引，仅向量（dense 模式）'),
        answers: simpleAnswers,
        respond: fromRetriever(productSearch(id), (_item, productQuery) => productQuery),
      });
    } else {
      systems.push({
        id,
        label: localized('Product', '产品'),
        retrieval: target.dense
          ? localized('the product index, hybrid (BM25 ∪ dense, fused)', '产品索引，混合检索（BM25 与向量融合）')
          : localized('the product index, hybrid mode — with dense retrieval off this is the lexical retriever', '产品索引，混合模式——向量检索关闭时即词法检索'),
        answers:
          target.answerKind === 'extractive'
            ? localized('answerQuestion (extractive, verbatim sentences with [n] citations)', 'answerQuestion（抽取式：原文句子，附 [n] 引用）')
            : localized(`answerQuestion with the LLM ${target.answerModel}`, `answerQuestion，由大模型 ${target.answerModel} 生成`),
        respond: async (item, productQuery) => {
          const answer = await target.answer(item);
          const retrievalQuery = answer.retrievalQuery ?? productQuery;
          const retrieved = await target.search(retrievalQuery, { k, mode: 'hybrid' });
          return { retrievalQuery, retrieved, answer, kind: target.answerKind, latencyMs: answer.latencyMs };
        },
      });
    }
  }
  return { systems, skipped };
}

/** Locates each quote in its cleaned document; unfound quotes get start -1 (they count as misses). */
export function locateEvidence(quotes: EvidenceQuote[], corpus: CorpusView): EvidenceRecord[] {
  return quotes.map(({ document: documentId, quote }) => {
    const document = corpus.documents.get(documentId);
    const found = document ? locateQuote(document.text, quote) : undefined;
    return {
      documentId,
      quote,
      start: found?.start ?? -1,
      end: found?.end ?? -1,
      title: document?.title ?? documentId,
      section: document && found ? sectionAt(document, found.start) : [],
    };
  });
}

/** Scores one system's response to one question. */
export function scoreResponse({
  item,
  evidence,
  groups = evidence.map((_, i) => i),
  superseded = [],
  retrieved,
  answer,
  kind,
  latencyMs,
  corpus,
  clauseText,
}: {
  item: EvalItem;
  evidence: EvidenceSpan[];
  /** Copies of one quote share a group number (`evidenceGroups`); by default every quote is its own. */
  groups?: number[];
  superseded?: EvidenceSpan[];
  retrieved: RetrievedChunk[];
  answer: CitedAnswer;
  kind: AnswerKind;
  latencyMs: number;
  corpus: CorpusView;
  clauseText: (chunkId: string) => string | undefined;
}): AnswerResult {
  const citations: CitationSpan[] = answer.citations.map((citation) => ({ ...citation, clause: clauseText(citation.chunkId) }));
  const text = answer.answered ? answer.answer : '';
  const facts = item.answerable ? factScores(text, item.facts) : undefined;
  const cited = citationScores(citations, item.facts, evidence, groups);
  const support = checkFaithfulness({ answer: text, citations, documentText: (id) => corpus.documents.get(id)?.text, kind });
  const precision = item.answerable && answer.answered ? answerPrecision({ answer: text, citations, facts: item.facts, evidence }) : undefined;
  return {
    answer,
    scores: {
      type: item.type,
      answerable: item.answerable,
      retrieval: item.answerable ? scoreRetrieval(retrieved, evidence, item.documents, groups) : undefined,
      answered: answer.answered,
      allFacts: facts?.allFacts,
      factShare: facts?.factShare,
      answerChars: answer.answered ? answerLength(answer.answer) : undefined,
      preciseSentences: precision?.precise,
      scoredSentences: precision?.sentences,
      citationsCorrect: cited.correct,
      citations: citations.length,
      goldDocumentRecall: item.answerable ? cited.goldDocumentRecall : undefined,
      goldClauseRecall: item.answerable && new Set(groups).size >= 2 ? spansCited(citations, evidence, groups) : undefined,
      supersededShown: superseded.length > 0 ? spansCited(citations, superseded) : undefined,
      sentencesSupported: support.filter((sentence) => sentence.supported).length,
      sentences: support.length,
      latencyMs,
    },
    missingFacts: facts?.missing ?? [],
    unsupported: support.filter((sentence) => !sentence.supported),
  };
}

/** The answer rows of the systems that ran: each system's main form, then the baselines' simple form. */
export function answerRows(systems: Pick<SystemInfo, 'id'>[]): AnswerRow[] {
  const main = systems.map(({ id }): AnswerRow => ({ key: id, system: id, form: id === 'product' ? 'product' : 'fair' }));
  const simple = systems.filter(({ id }) => id !== 'product').map(({ id }): AnswerRow => ({ key: `${id}:simple`, system: id, form: 'simple' }));
  return [...main, ...simple];
}

/** A row's scores for one question. */
export function rowScores(entry: ItemRun, row: AnswerRow): ItemScores | undefined {
  const result = entry.results[row.system];
  return row.form === 'simple' ? result?.simple?.scores : result?.scores;
}

/** The splits of a run in report order: test first, then dev. */
export function splitsOf(items: { item: Pick<EvalItem, 'split'> }[]): Split[] {
  const present = new Set(items.map(({ item }) => item.split));
  return (['test', 'dev'] as const).filter((split) => present.has(split));
}

/** Metrics, intervals and per-type metrics of every answer row over some of the run's items. */
export function metricTable({ items, rows, splits }: { items: ItemRun[]; rows: AnswerRow[]; splits: Split[] }): MetricTable {
  const types = [...new Set(items.map((entry) => entry.item.type))];
  const table: MetricTable = {
    splits,
    questions: items.length,
    answerable: items.filter((entry) => entry.item.answerable).length,
    overall: {},
    intervals: {},
    types,
    byType: {},
    intervalsByType: {},
  };
  const measure = (subset: ItemRun[]) => {
    const draws = resampleIndexes(subset.length);
    const metrics: Record<string, MetricRow> = {};
    const intervals: Record<string, IntervalRow> = {};
    for (const row of rows) {
      const scores = subset.flatMap((entry) => {
        const found = rowScores(entry, row);
        return found ? [found] : [];
      });
      if (scores.length === 0) continue;
      metrics[row.key] = aggregate(scores);
      // Paired resamples: every row is resampled over the same questions (when it answered them all).
      intervals[row.key] = bootstrapIntervals(scores, { draws: scores.length === subset.length ? draws : resampleIndexes(scores.length) });
    }
    return { metrics, intervals };
  };
  const all = measure(items);
  table.overall = all.metrics;
  table.intervals = all.intervals;
  for (const type of types) {
    const byType = measure(items.filter((entry) => entry.item.type === type));
    table.byType[type] = byType.metrics;
    table.intervalsByType[type] = byType.intervals;
  }
  return table;
}

/** Every table of a run: test, dev, and all questions when the run has both splits. */
export function aggregateRun(run: Pick<EvalRun, 'items' | 'rows'>): Pick<EvalRun, 'tables' | 'overall' | 'byType'> {
  const present = splitsOf(run.items);
  const tables = present.map((split) => metricTable({ items: run.items.filter((entry) => entry.item.split === split), rows: run.rows, splits: [split] }));
  if (present.length !== 1) tables.push(metricTable({ items: run.items, rows: run.rows, splits: present }));
  const whole = tables[tables.length - 1];
  return { tables, overall: whole.overall, byType: whole.byType };
}

/** The best chunk and its score for each question, as a baseline retrieved it (the input of its fair form). */
interface TopHit {
  top?: RetrievedChunk;
  /** Undefined when nothing was retrieved; +∞ when the retriever gives no score (it then never declines on it). */
  score?: number;
}

const topHit = (retrieved: RetrievedChunk[]): TopHit => ({ top: retrieved[0], score: retrieved[0] ? (retrieved[0].score ?? Number.POSITIVE_INFINITY) : undefined });

/** Runs every item through every requested system the target supports and aggregates the scores. */
export async function runEvaluation({
  items,
  target,
  dataset,
  k = 10,
  systems: requested = [...systemIds],
  split = 'all',
  calibrationItems = [],
  synonymsFile,
  onProgress = () => {},
  onNotice = () => {},
}: {
  items: EvalItem[];
  target: EvalTarget;
  dataset: string;
  k?: number;
  systems?: SystemId[];
  /** Which split `items` were chosen by (recorded in the report). */
  split?: Split | 'all';
  /** Dev items outside the run (`--split test`): retrieved by the baselines only, to calibrate their refusal threshold. */
  calibrationItems?: EvalItem[];
  synonymsFile?: string;
  onProgress?: (done: number, total: number, detail: string) => void;
  onNotice?: (message: string) => void;
}): Promise<EvalRun> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const { systems, skipped } = await buildSystems({ target, requested: systemIds.filter((id) => requested.includes(id)), k });
  const notes: Localized[] = [];
  if (target.denseNote) notes.push(localized(target.denseNote, `向量检索关闭：${target.denseNote.replace(/^dense retrieval off:\s*/, '')}`));
  if (k < 10) notes.push(localized(`retrieval depth k=${k}: recall@10 and nDCG@10 are computed over the top ${k} only`, `检索深度 k=${k}：前10召回与排序质量@10只按前 ${k} 条计算`));
  const chunkById = new Map(target.corpus.chunks.map((chunk) => [chunk.id, chunk.text]));
  const clauseText = (chunkId: string) => chunkById.get(chunkId);
  const copies = documentCopies(new Map([...target.corpus.documents].map(([id, document]) => [id, document.text])));
  const baselines = systems.filter((system) => system.id !== 'product');
  const tops = new Map<SystemId, Map<string, TopHit>>(baselines.map((system) => [system.id, new Map()]));

  const runs: ItemRun[] = [];
  let unlocated = 0;
  let errors = 0;
  for (const [i, item] of items.entries()) {
    onProgress(i, items.length, item.id);
    const evidence = locateEvidence(item.evidence, target.corpus);
    const groups = evidenceGroups(evidence, copies);
    const superseded = locateEvidence(item.superseded, target.corpus);
    unlocated += [...evidence, ...superseded].filter((span) => span.start < 0).length;
    const productQuery = analyseQuestion(itemMessages(item), { analyzer: defaultAnalyzer() }).retrievalQuery;
    const results: ItemRun['results'] = {};
    for (const system of systems) {
      try {
        const response = await system.respond(item, productQuery);
        const scored = scoreResponse({ item, evidence, groups, superseded, ...response, corpus: target.corpus, clauseText });
        const matches = matchEvidence(response.retrieved, evidence);
        tops.get(system.id)?.set(item.id, topHit(response.retrieved));
        results[system.id] = {
          retrievalQuery: response.retrievalQuery,
          retrieved: response.retrieved.slice(0, keptResults).map((chunk, rank) => ({
            chunkId: chunk.chunkId,
            documentId: chunk.documentId,
            title: chunk.title,
            section: chunk.section,
            start: chunk.start,
            end: chunk.end,
            text: chunk.text.length > snippetChars ? `${chunk.text.slice(0, snippetChars)}…` : chunk.text,
            score: chunk.score,
            relevant: matches[rank].length > 0,
          })),
          topScore: response.retrieved[0]?.score,
          ...scored,
          simple: system.id === 'product' ? undefined : scored,
        };
      } catch (error) {
        errors++;
        const message = error instanceof Error ? error.message : String(error);
        if (errors <= 5) onNotice(`${system.id} failed on ${item.id}: ${message}`);
        const answer: CitedAnswer = { answer: '', answered: false, citations: [] };
        const scored = scoreResponse({ item, evidence, groups, superseded, retrieved: [], answer, kind: 'extractive', latencyMs: 0, corpus: target.corpus, clauseText });
        const failed = { ...scored, scores: { ...scored.scores, error: message } };
        results[system.id] = { retrievalQuery: '', retrieved: [], ...failed, simple: system.id === 'product' ? undefined : failed };
      }
    }
    runs.push({ item, evidence, groups, superseded, results });
  }
  onProgress(items.length, items.length, 'done');

  // Calibration questions outside the run are retrieved by the baselines only.
  for (const item of calibrationItems) {
    const productQuery = analyseQuestion(itemMessages(item), { analyzer: defaultAnalyzer() }).retrievalQuery;
    for (const system of baselines) {
      const response = await system.respond(item, productQuery).catch(() => undefined);
      tops.get(system.id)!.set(item.id, topHit(response?.retrieved ?? []));
    }
  }
  const fair = composeFairAnswers({ runs, baselines, tops, calibrationItems, corpus: target.corpus, clauseText });
  notes.push(...fairNotes(fair, runs, calibrationItems));

  if (unlocated > 0) notes.push(localized(`${unlocated} evidence quote(s) could not be found in the cleaned documents; they count as retrieval misses`, `${unlocated} 条证据摘录在清洗后的文档中找不到，按检索未命中计`));
  if (errors > 0) notes.push(localized(`${errors} system response(s) failed with an error and count as misses (see the JSON report)`, `${errors} 次系统调用出错，按未命中计（见 JSON 报告）`));

  const types = [...new Set(items.map((item) => item.type))];
  const rows = answerRows(systems);
  const run = { items: runs, rows };
  const metrics = aggregateRun(run);
  const langchainChars = metrics.overall.langchain?.charsInTop5;
  const productChars = metrics.overall.product?.charsInTop5;
  if (langchainChars && productChars && langchainChars > 2 * productChars) {
    notes.push(
      localized(
        `the LangChain recipe's top 5 chunks hold ${Math.round(langchainChars)} characters on average against ${Math.round(productChars)} for the product: overlap recall rewards big chunks, so read its recall with "characters in top 5" and the answer columns`,
        `LangChain 方案前5块平均 ${Math.round(langchainChars)} 字，产品为 ${Math.round(productChars)} 字：重叠式召回偏向大块，请结合“前5字数”和答案各列阅读其召回率`,
      ),
    );
  }
  return {
    format: reportFormat,
    dataset,
    target: target.description,
    k,
    split,
    synonymsFile,
    startedAt,
    durationMs: performance.now() - started,
    dense: target.dense,
    answerModel: target.answerModel,
    systems: systems.map(({ respond: _respond, ...info }) => info),
    skipped,
    notes,
    types,
    fair,
    ...run,
    ...metrics,
  };
}

/**
 * Gives every baseline result its fair form (the primary answer of its row): decline below the
 * threshold calibrated on the dev questions, else the best chunk cut to the product's median length.
 */
function composeFairAnswers({
  runs,
  baselines,
  tops,
  calibrationItems,
  corpus,
  clauseText,
}: {
  runs: ItemRun[];
  baselines: SystemInfo[];
  tops: Map<SystemId, Map<string, TopHit>>;
  calibrationItems: EvalItem[];
  corpus: CorpusView;
  clauseText: (chunkId: string) => string | undefined;
}): FairSetup {
  const productLengths = runs.flatMap((entry) => {
    const chars = entry.results.product?.scores.answerChars;
    return chars === undefined ? [] : [chars];
  });
  const median = percentile(productLengths, 50);
  const maxChars = median ?? defaultFairChars;
  const thresholds: FairSetup['thresholds'] = {};
  const devItems = [...runs.map((entry) => entry.item).filter((item) => item.split === 'dev'), ...calibrationItems];
  for (const system of baselines) {
    const hits = tops.get(system.id)!;
    const threshold = calibrateRefusalThreshold(devItems.map((item) => ({ score: hits.get(item.id)?.score, answerable: item.answerable })));
    thresholds[system.id] = threshold;
    for (const entry of runs) {
      const result = entry.results[system.id];
      if (!result || result.scores.error) continue;
      const hit = hits.get(entry.item.id) ?? {};
      const answer = declines(hit.score, threshold.threshold) ? { answer: declinedAnswer, answered: false, citations: [] } : fairAnswer(hit.top, maxChars);
      const scored = scoreResponse({
        item: entry.item,
        evidence: entry.evidence,
        groups: entry.groups,
        superseded: entry.superseded,
        retrieved: hit.top ? [hit.top] : [],
        answer,
        kind: 'extractive',
        latencyMs: result.scores.latencyMs,
        corpus,
        clauseText,
      });
      // Retrieval is the same for both forms: keep the scores over the full depth.
      Object.assign(result, { ...scored, scores: { ...scored.scores, retrieval: result.scores.retrieval } });
    }
  }
  return { maxChars, source: median === undefined ? 'default' : 'product', thresholds };
}

function fairNotes(fair: FairSetup, runs: ItemRun[], calibrationItems: EvalItem[]): Localized[] {
  const notes: Localized[] = [];
  const devCount = runs.filter((entry) => entry.item.split === 'dev').length + calibrationItems.length;
  if (Object.keys(fair.thresholds).length === 0) return notes;
  notes.push(
    fair.source === 'product'
      ? localized(
          `baselines' fair answers: the best chunk cut to ${fair.maxChars} characters (the product's median answer length in this run): whole sentences while they fit, then the next one cut to length`,
          `基线的公平答案：第一条结果截到 ${fair.maxChars} 字（本次运行中产品答案字数的中位数）：能放下的整句先放，再截取下一句补足`,
        )
      : localized(
          `baselines' fair answers: the product gave no answer in this run, so the best chunk is cut to ${fair.maxChars} characters`,
          `基线的公平答案：本次运行产品没有给出答案，第一条结果截到 ${fair.maxChars} 字`,
        ),
  );
  const unanswerable = Object.values(fair.thresholds)[0]?.devUnanswerable ?? 0;
  if (unanswerable === 0 || unanswerable === devCount) {
    notes.push(
      localized(
        `the ${devCount} dev question(s) are not a mix of answerable and out-of-corpus questions, so the baselines' refusal threshold cannot be calibrated: their fair form declines only when nothing is retrieved`,
        `${devCount} 道开发集题目不是可回答题与语料外题的混合，无法校准基线的拒答阈值：公平形式只在没有检索结果时拒答`,
      ),
    );
  } else if (calibrationItems.length > 0) {
    notes.push(
      localized(
        `baselines' refusal thresholds were calibrated on the set's ${devCount} dev question(s) (${unanswerable} out of corpus), retrieved for calibration only`,
        `基线拒答阈值在本题集的 ${devCount} 道开发集题目（其中 ${unanswerable} 道语料外）上校准，这些题目只为校准而检索`,
      ),
    );
  } else {
    notes.push(
      localized(
        `baselines' refusal thresholds were calibrated on the ${devCount} dev question(s) of this run (${unanswerable} out of corpus), so the baselines' refusal figures on dev are optimistic`,
        `基线拒答阈值在本次运行的 ${devCount} 道开发集题目（其中 ${unanswerable} 道语料外）上校准，因此基线在开发集上的拒答数字偏乐观`,
      ),
    );
  }
  return notes;
}
