// The eval loop: every question through every system (same questions, same k), scored and aggregated.
import { analyseQuestion } from '../server/answer/analyse-question.js';
import { defaultAnalyzer } from '../server/rag/analyzer.js';
import {
  createCharacterBm25,
  createLangchainRecipe,
  sectionAt,
  simpleExtractiveAnswer,
  type CitedAnswer,
  type CorpusView,
  type RetrievedChunk,
  type Retriever,
} from './baselines.js';
import type { EvalTarget, SearchMode } from './eval-target.js';
import { itemMessages, naiveRetrievalQuery, type EvalItem } from './load-dataset.js';
import {
  aggregate,
  checkFaithfulness,
  citationScores,
  factScores,
  locateQuote,
  matchEvidence,
  scoreRetrieval,
  type AnswerKind,
  type CitationSpan,
  type EvidenceSpan,
  type ItemScores,
  type MetricRow,
  type SentenceSupport,
} from './metrics.js';

/** The systems a run can compare, in report order; `product` is the product as users get it. */
export const systemIds = ['langchain', 'char-bm25', 'lexical', 'dense', 'product'] as const;
export type SystemId = (typeof systemIds)[number];

export interface SystemInfo {
  id: SystemId;
  label: string;
  /** How it retrieves, and how its answer column is produced. */
  retrieval: string;
  answers: string;
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
  /** Overlaps gold evidence. */
  relevant: boolean;
}

export interface SystemItemResult {
  retrievalQuery: string;
  retrieved: RetrievedRecord[];
  answer: CitedAnswer;
  scores: ItemScores;
  missingFacts: string[];
  unsupported: SentenceSupport[];
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
  results: Partial<Record<SystemId, SystemItemResult>>;
}

export interface EvalRun {
  dataset: string;
  target: string;
  k: number;
  startedAt: string;
  durationMs: number;
  dense: boolean;
  answerModel: string;
  systems: SystemInfo[];
  skipped: { id: SystemId; reason: string }[];
  notes: string[];
  types: string[];
  items: ItemRun[];
  overall: Partial<Record<SystemId, MetricRow>>;
  byType: Record<string, Partial<Record<SystemId, MetricRow>>>;
}

/** Retrieved chunks kept per question in the report (metrics use the full depth k). */
const keptResults = 5;
const snippetChars = 120;

interface RunnableSystem extends SystemInfo {
  respond(item: EvalItem, productQuery: string): Promise<{ retrievalQuery: string; retrieved: RetrievedChunk[]; answer: CitedAnswer; kind: AnswerKind; latencyMs: number }>;
}

/** Builds the requested systems the target supports; the rest are returned as skipped with a reason. */
async function buildSystems({ target, requested, k }: { target: EvalTarget; requested: SystemId[]; k: number }): Promise<{ systems: RunnableSystem[]; skipped: { id: SystemId; reason: string }[] }> {
  const systems: RunnableSystem[] = [];
  const skipped: { id: SystemId; reason: string }[] = [];
  const simpleAnswers = "top chunk's first two sentences, cited (simple extractive answer)";
  const fromRetriever = (retriever: Retriever, query: (item: EvalItem, productQuery: string) => string) => async (item: EvalItem, productQuery: string) => {
    const started = performance.now();
    const retrievalQuery = query(item, productQuery);
    const retrieved = await retriever.retrieve(retrievalQuery, k);
    const answer = simpleExtractiveAnswer(retrieved);
    return { retrievalQuery, retrieved, answer, kind: 'extractive' as const, latencyMs: performance.now() - started };
  };
  const productSearch = (mode: SearchMode): Retriever => ({ retrieve: (query, depth) => target.search(query, { k: depth, mode }) });

  for (const id of requested) {
    if (id === 'langchain') {
      const recipe = await createLangchainRecipe({ corpus: target.corpus, embeddings: target.embeddings });
      systems.push({
        id,
        label: 'LangChain default recipe',
        retrieval: `RecursiveCharacterTextSplitter (chunkSize 1000, chunkOverlap 200) over the cleaned texts, ${recipe.chunkCount} chunks; ranked by ${recipe.method}; follow-ups: user turns joined`,
        answers: simpleAnswers,
        respond: fromRetriever(recipe, naiveRetrievalQuery),
      });
    } else if (id === 'char-bm25') {
      systems.push({
        id,
        label: 'BM25, single characters',
        retrieval: `BM25 over the product's ${target.corpus.chunks.length} chunks with one token per Han character (no word segmentation, no synonyms); follow-ups: user turns joined`,
        answers: simpleAnswers,
        respond: fromRetriever(createCharacterBm25(target.corpus), naiveRetrievalQuery),
      });
    } else if (id === 'lexical' || id === 'dense') {
      if (!target.searchModes.includes(id)) {
        skipped.push({ id, reason: id === 'dense' ? 'no embedding model is loaded, so there is no dense retriever (see the note on dense retrieval)' : 'the HTTP API offers hybrid search only' });
        continue;
      }
      systems.push({
        id,
        label: id === 'lexical' ? 'Product retriever, lexical only' : 'Product retriever, dense only',
        retrieval: id === 'lexical' ? 'the product index, BM25 over jieba words + bigrams + headings (mode lexical)' : 'the product index, embeddings only (mode dense)',
        answers: simpleAnswers,
        respond: fromRetriever(productSearch(id), (_item, productQuery) => productQuery),
      });
    } else {
      systems.push({
        id,
        label: 'Product',
        retrieval: target.dense ? 'the product index, hybrid (BM25 ∪ dense, fused)' : 'the product index, hybrid mode — with dense retrieval off this is the lexical retriever',
        answers: target.answerKind === 'extractive' ? 'answerQuestion (extractive, verbatim sentences with [n] citations)' : `answerQuestion with the LLM ${target.answerModel}`,
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

/** Locates each evidence quote in its cleaned document; unfound quotes get start -1 (they count as misses). */
export function locateEvidence(item: EvalItem, corpus: CorpusView): EvidenceRecord[] {
  return item.evidence.map(({ document: documentId, quote }) => {
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
  retrieved,
  answer,
  kind,
  latencyMs,
  corpus,
  clauseText,
}: {
  item: EvalItem;
  evidence: EvidenceSpan[];
  retrieved: RetrievedChunk[];
  answer: CitedAnswer;
  kind: AnswerKind;
  latencyMs: number;
  corpus: CorpusView;
  clauseText: (chunkId: string) => string | undefined;
}): { scores: ItemScores; missingFacts: string[]; unsupported: SentenceSupport[] } {
  const citations: CitationSpan[] = answer.citations.map((citation) => ({ ...citation, clause: clauseText(citation.chunkId) }));
  const facts = item.answerable ? factScores(answer.answered ? answer.answer : '', item.facts) : undefined;
  const cited = citationScores(citations, item.facts, evidence);
  const support = checkFaithfulness({ answer: answer.answered ? answer.answer : '', citations, documentText: (id) => corpus.documents.get(id)?.text, kind });
  return {
    scores: {
      type: item.type,
      answerable: item.answerable,
      retrieval: item.answerable ? scoreRetrieval(retrieved, evidence) : undefined,
      answered: answer.answered,
      allFacts: facts?.allFacts,
      factShare: facts?.factShare,
      citationsCorrect: cited.correct,
      citations: citations.length,
      goldDocumentRecall: item.answerable ? cited.goldDocumentRecall : undefined,
      sentencesSupported: support.filter((sentence) => sentence.supported).length,
      sentences: support.length,
      latencyMs,
    },
    missingFacts: facts?.missing ?? [],
    unsupported: support.filter((sentence) => !sentence.supported),
  };
}

/** Metrics overall and per question type, from the scores stored on the items. */
export function aggregateRun(run: Pick<EvalRun, 'items' | 'systems' | 'types'>): Pick<EvalRun, 'overall' | 'byType'> {
  const overall: Partial<Record<SystemId, MetricRow>> = {};
  const byType: Record<string, Partial<Record<SystemId, MetricRow>>> = {};
  for (const system of run.systems) {
    const scores = (items: ItemRun[]) => items.flatMap((item) => (item.results[system.id] ? [item.results[system.id]!.scores] : []));
    overall[system.id] = aggregate(scores(run.items));
    for (const type of run.types) {
      byType[type] ??= {};
      byType[type][system.id] = aggregate(scores(run.items.filter((item) => item.item.type === type)));
    }
  }
  return { overall, byType };
}

/** Runs every item through every requested system the target supports and aggregates the scores. */
export async function runEvaluation({
  items,
  target,
  dataset,
  k = 10,
  systems: requested = [...systemIds],
  onProgress = () => {},
  onNotice = () => {},
}: {
  items: EvalItem[];
  target: EvalTarget;
  dataset: string;
  k?: number;
  systems?: SystemId[];
  onProgress?: (done: number, total: number, detail: string) => void;
  onNotice?: (message: string) => void;
}): Promise<EvalRun> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const { systems, skipped } = await buildSystems({ target, requested: systemIds.filter((id) => requested.includes(id)), k });
  const notes: string[] = [];
  if (target.denseNote) notes.push(target.denseNote);
  if (k < 10) notes.push(`retrieval depth k=${k}: recall@10 and nDCG@10 are computed over the top ${k} only`);
  const chunkById = new Map(target.corpus.chunks.map((chunk) => [chunk.id, chunk.text]));
  const clauseText = (chunkId: string) => chunkById.get(chunkId);

  const runs: ItemRun[] = [];
  let unlocated = 0;
  let errors = 0;
  for (const [i, item] of items.entries()) {
    onProgress(i, items.length, item.id);
    const evidence = locateEvidence(item, target.corpus);
    unlocated += evidence.filter((span) => span.start < 0).length;
    const productQuery = analyseQuestion(itemMessages(item), { analyzer: defaultAnalyzer() }).retrievalQuery;
    const results: ItemRun['results'] = {};
    for (const system of systems) {
      try {
        const response = await system.respond(item, productQuery);
        const scored = scoreResponse({ item, evidence, ...response, corpus: target.corpus, clauseText });
        const matches = matchEvidence(response.retrieved, evidence);
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
            relevant: matches[rank].length > 0,
          })),
          answer: response.answer,
          ...scored,
        };
      } catch (error) {
        errors++;
        const message = error instanceof Error ? error.message : String(error);
        if (errors <= 5) onNotice(`${system.id} failed on ${item.id}: ${message}`);
        const answer: CitedAnswer = { answer: '', answered: false, citations: [] };
        const scored = scoreResponse({ item, evidence, retrieved: [], answer, kind: 'extractive', latencyMs: 0, corpus: target.corpus, clauseText });
        results[system.id] = { retrievalQuery: '', retrieved: [], answer, ...scored, scores: { ...scored.scores, error: message } };
      }
    }
    runs.push({ item, evidence, results });
  }
  onProgress(items.length, items.length, 'done');
  if (unlocated > 0) notes.push(`${unlocated} evidence quote(s) could not be found in the cleaned documents; they count as retrieval misses`);
  if (errors > 0) notes.push(`${errors} system response(s) failed with an error and count as misses (see the JSON report)`);

  const types = [...new Set(items.map((item) => item.type))];
  const run = { items: runs, systems: systems.map(({ respond: _respond, ...info }) => info), types };
  const metrics = aggregateRun(run);
  const langchainChars = metrics.overall.langchain?.charsInTop5;
  const productChars = metrics.overall.product?.charsInTop5;
  if (langchainChars && productChars && langchainChars > 2 * productChars) {
    notes.push(
      `the LangChain recipe's top 5 chunks hold ${Math.round(langchainChars)} characters on average against ${Math.round(productChars)} for the product: overlap recall rewards big chunks, so read its R@k with Chars@5 and the answer columns`,
    );
  }
  return {
    dataset,
    target: target.description,
    k,
    startedAt,
    durationMs: performance.now() - started,
    dense: target.dense,
    answerModel: target.answerModel,
    skipped,
    notes,
    ...run,
    ...metrics,
  };
}
