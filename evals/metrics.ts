// Scorers for retrieval and answers, each 0–1 per question, plus their aggregation; no I/O here.
import { splitSentences } from '../server/ingest/split-sentences.js';
import { bigrams, foldWidth } from '../server/rag/tokenize.js';

/** A span of a document's cleaned text. */
export interface Span {
  documentId: string;
  start: number;
  end: number;
}

/** A gold evidence quote located in its document (`start` -1 when it could not be found). */
export interface EvidenceSpan extends Span {
  quote: string;
}

/** Finds a quote in a cleaned document: exactly first, then ignoring whitespace differences. */
export function locateQuote(text: string, quote: string): { start: number; end: number } | undefined {
  const at = text.indexOf(quote);
  if (at >= 0) return { start: at, end: at + quote.length };
  const compact = quote.replace(/\s+/g, '');
  if (compact.length === 0) return undefined;
  // Map every non-space character of `text` to its offset, then search the compacted text.
  const offsets: number[] = [];
  let squeezed = '';
  for (let i = 0; i < text.length; i++) {
    if (/\s/.test(text[i])) continue;
    offsets.push(i);
    squeezed += text[i];
  }
  const found = squeezed.indexOf(compact);
  if (found < 0) return undefined;
  return { start: offsets[found], end: offsets[found + compact.length - 1] + 1 };
}

export function spansOverlap(a: Span, b: Span): boolean {
  return a.documentId === b.documentId && a.start < b.end && b.start < a.end;
}

/** For each retrieved chunk (in rank order), the indexes of the evidence items it overlaps. */
export function matchEvidence(retrieved: Span[], evidence: Span[]): number[][] {
  return retrieved.map((chunk) => evidence.flatMap((span, i) => (span.start >= 0 && spansOverlap(chunk, span) ? [i] : [])));
}

/** Share of the evidence items overlapped by at least one of the top `k` chunks. */
export function recallAtK(matches: number[][], evidenceCount: number, k: number): number {
  if (evidenceCount === 0) return 0;
  return new Set(matches.slice(0, k).flat()).size / evidenceCount;
}

/** 1 / rank of the first chunk that overlaps any evidence; 0 when none does. */
export function reciprocalRank(matches: number[][]): number {
  const rank = matches.findIndex((found) => found.length > 0);
  return rank < 0 ? 0 : 1 / (rank + 1);
}

/**
 * nDCG@k where a chunk gains 1 when it overlaps an evidence item no higher-ranked chunk overlapped
 * (so a repeated hit on the same quote earns nothing and chunk size cannot inflate the score); the
 * ideal ranking puts one chunk per evidence item first.
 */
export function ndcgAtK(matches: number[][], evidenceCount: number, k: number): number {
  if (evidenceCount === 0) return 0;
  const covered = new Set<number>();
  let dcg = 0;
  matches.slice(0, k).forEach((found, rank) => {
    const fresh = found.filter((i) => !covered.has(i));
    if (fresh.length === 0) return;
    fresh.forEach((i) => covered.add(i));
    dcg += 1 / Math.log2(rank + 2);
  });
  let ideal = 0;
  for (let rank = 0; rank < Math.min(evidenceCount, k); rank++) ideal += 1 / Math.log2(rank + 2);
  return dcg / ideal;
}

/** Share of the shorter text's 5-character shingles (letters and digits only) the other holds, at which two documents are copies. */
export const copyContainment = 0.85;

function shingles(text: string): Set<string> {
  const key = foldWidth(text).replace(/[^\p{Script=Han}\p{L}\p{N}]/gu, '');
  const found = new Set<string>();
  for (let i = 0; i + 5 <= key.length; i++) found.add(key.slice(i, i + 5));
  return found;
}

/**
 * Whether two documents are copies of one text (the same story reposted by several sites with other
 * headers and small edits): most of the shorter one's 5-character shingles occur in the other.
 * Memoised per pair; documents it does not know are not copies.
 */
export function documentCopies(texts: Map<string, string>): (a: string, b: string) => boolean {
  const cache = new Map<string, Set<string>>();
  const shinglesOf = (id: string) => {
    if (!cache.has(id)) cache.set(id, shingles(texts.get(id) ?? ''));
    return cache.get(id)!;
  };
  const answers = new Map<string, boolean>();
  return (a, b) => {
    if (a === b || !texts.has(a) || !texts.has(b)) return false;
    const key = a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
    if (!answers.has(key)) {
      const [small, large] = [shinglesOf(a), shinglesOf(b)].sort((x, y) => x.size - y.size);
      let shared = 0;
      for (const gram of small) if (large.has(gram)) shared++;
      answers.set(key, small.size > 0 && shared / small.size >= copyContainment);
    }
    return answers.get(key)!;
  };
}

/**
 * Evidence quotes that stand in for one another: the same quote in copies of one document (a story
 * reposted by several sites) — the documents are copies (`copies`), the quotes carry the same figures
 * and are equal once punctuation, whitespace and widths are ignored or share at least 80% of their
 * character bigrams (Dice). Any one of them is then enough. Quotes from one document, or from documents
 * that merely share a clause's wording (two regulations compared), stay separate. Returns a group
 * number per quote.
 */
export function evidenceGroups(evidence: Pick<EvidenceSpan, 'documentId' | 'quote'>[], copies: (a: string, b: string) => boolean = () => false): number[] {
  const group = evidence.map((_, i) => i);
  const root = (i: number): number => (group[i] === i ? i : (group[i] = root(group[i])));
  const keys = evidence.map(({ quote }) => foldWidth(quote).replace(/[^\p{Script=Han}\p{L}\p{N}]/gu, ''));
  // Figures decide: the same sentence with other figures (another city's rule, a later report) is another fact.
  const numbers = keys.map((key) => (key.match(/\d+(?:\.\d+)?/g) ?? []).join(' '));
  const grams = keys.map((key) => new Set(Array.from({ length: Math.max(0, key.length - 1) }, (_, i) => key.slice(i, i + 2))));
  for (let i = 0; i < evidence.length; i++) {
    for (let j = i + 1; j < evidence.length; j++) {
      if (evidence[i].documentId === evidence[j].documentId || numbers[i] !== numbers[j]) continue;
      const shared = [...grams[i]].filter((gram) => grams[j].has(gram)).length;
      const dice = grams[i].size + grams[j].size === 0 ? 0 : (2 * shared) / (grams[i].size + grams[j].size);
      if ((keys[i] === keys[j] || dice >= 0.8) && copies(evidence[i].documentId, evidence[j].documentId)) group[root(j)] = root(i);
    }
  }
  const ordinals = new Map<number, number>();
  return evidence.map((_, i) => {
    const r = root(i);
    if (!ordinals.has(r)) ordinals.set(r, ordinals.size);
    return ordinals.get(r)!;
  });
}

/** Evidence matches per chunk as group numbers (each group once). */
export function groupMatches(matches: number[][], groups: number[]): number[][] {
  return matches.map((found) => [...new Set(found.map((i) => groups[i]))]);
}

/** Share of the evidence groups with a quote lying wholly inside one of the top `k` chunks (the held-out criterion). */
export function containedAtK(retrieved: Span[], evidence: Span[], k: number, groups: number[] = evidence.map((_, i) => i)): number {
  if (evidence.length === 0) return 0;
  const top = retrieved.slice(0, k);
  const inside = new Set(evidence.flatMap((span, i) => (span.start >= 0 && top.some((chunk) => chunk.documentId === span.documentId && chunk.start <= span.start && span.end <= chunk.end) ? [groups[i]] : [])));
  return inside.size / new Set(groups).size;
}

/** The documents a question needs, as sets of alternatives: one set per evidence group (copies of one story form one set). */
export function neededDocuments(evidence: Pick<Span, 'documentId'>[], groups: number[] = evidence.map((_, i) => i)): string[][] {
  const byGroup = new Map<number, Set<string>>();
  evidence.forEach((span, i) => byGroup.set(groups[i], (byGroup.get(groups[i]) ?? new Set()).add(span.documentId)));
  const unique = new Map<string, string[]>();
  for (const set of byGroup.values()) {
    const ids = [...set].sort();
    unique.set(ids.join('\u0000'), ids);
  }
  return [...unique.values()];
}

export interface RetrievalScores {
  recall1: number;
  recall5: number;
  recall10: number;
  mrr: number;
  ndcg10: number;
  spanInTop5: number;
  /** Gold documents among the top 5 chunks' documents (see `documentsAtK`). */
  documentsInTop5: number;
  /** Characters the top 5 chunks hold: what a reader (or an LLM) has to go through. */
  charsInTop5: number;
}

/**
 * Doc@k. A question that needs two or more documents (evidence from several documents that are not
 * copies of one another) scores the share of them among the top k chunks' documents. Otherwise any of
 * its gold documents (the listed ones, the evidence's, copies) is right: 1 when one is there, else 0.
 */
export function documentsAtK(retrieved: Pick<Span, 'documentId'>[], evidence: Pick<Span, 'documentId'>[], documents: string[], k: number, groups?: number[]): number {
  const top = new Set(retrieved.slice(0, k).map((chunk) => chunk.documentId));
  const needed = neededDocuments(evidence, groups);
  if (needed.length >= 2) return needed.filter((ids) => ids.some((id) => top.has(id))).length / needed.length;
  const alternatives = new Set([...documents, ...needed.flat()]);
  return [...alternatives].some((id) => top.has(id)) ? 1 : 0;
}

/**
 * Every retrieval score of one answerable question (`documents`: its listed gold documents). Quotes
 * of one group (copies, see `evidenceGroups`) count once: finding any of them is enough.
 */
export function scoreRetrieval(retrieved: Span[], evidence: EvidenceSpan[], documents: string[] = [], groups: number[] = evidenceGroups(evidence)): RetrievalScores {
  const groupCount = new Set(groups).size;
  const matches = groupMatches(matchEvidence(retrieved, evidence), groups);
  return {
    recall1: recallAtK(matches, groupCount, 1),
    recall5: recallAtK(matches, groupCount, 5),
    recall10: recallAtK(matches, groupCount, 10),
    mrr: reciprocalRank(matches),
    ndcg10: ndcgAtK(matches, groupCount, 10),
    spanInTop5: containedAtK(retrieved, evidence, 5, groups),
    documentsInTop5: documentsAtK(retrieved, evidence, documents, 5, groups),
    charsInTop5: retrieved.slice(0, 5).reduce((sum, chunk) => sum + (chunk.end - chunk.start), 0),
  };
}

/** Text as compared for facts: widths folded, whitespace, citation markers and Markdown emphasis removed. */
export function normalizeForMatch(text: string): string {
  return foldWidth(text)
    .replace(/\[\d+\]/g, '')
    .replace(/\\(.)/g, '$1')
    .replace(/[*_`#]/g, '')
    .replace(/\s+/g, '');
}

/** Which of the key facts an answer states. */
export function factScores(answer: string, facts: string[]): { allFacts: boolean; factShare: number; missing: string[] } {
  const normalized = normalizeForMatch(answer);
  const missing = facts.filter((fact) => !normalized.includes(normalizeForMatch(fact)));
  return { allFacts: facts.length > 0 && missing.length === 0, factShare: facts.length === 0 ? 0 : (facts.length - missing.length) / facts.length, missing };
}

/** A citation as scorers see it: the quoted span of a clause. */
export interface CitationSpan extends Span {
  n: number;
  quote: string;
  /** The whole clause the citation points into, when known (context for the general support check). */
  clause?: string;
}

/**
 * Citations that quote a key fact or overlap gold evidence, out of all citations; and the share of
 * the documents the question needs (copies standing in for one another) that the answer cites.
 */
export function citationScores(citations: CitationSpan[], facts: string[], evidence: EvidenceSpan[], groups: number[] = evidenceGroups(evidence)): { correct: number; total: number; goldDocumentRecall: number } {
  const normalizedFacts = facts.map(normalizeForMatch).filter(Boolean);
  const correct = citations.filter((citation) => {
    const quote = normalizeForMatch(citation.quote);
    return normalizedFacts.some((fact) => quote.includes(fact)) || evidence.some((span) => span.start >= 0 && spansOverlap(citation, span));
  }).length;
  const needed = neededDocuments(evidence, groups);
  const cited = new Set(citations.map((citation) => citation.documentId));
  const goldDocumentRecall = needed.length === 0 ? 0 : needed.filter((ids) => ids.some((id) => cited.has(id))).length / needed.length;
  return { correct, total: citations.length, goldDocumentRecall };
}

/** One claim of an answer: a sentence and the citation markers it carries. */
export interface AnswerSentence {
  text: string;
  markers: number[];
}

const markerGroup = /(?:\s*\[\d+\])+/g;
const hasSubstance = /[\p{Script=Han}A-Za-z0-9]/u;

/**
 * Splits a Markdown answer into sentences with their markers: heading lines and bold title prefixes
 * ("**《…》**：") are not claims; text before a marker group carries those markers, each sentence of it.
 */
export function answerSentences(answer: string): AnswerSentence[] {
  const sentences: AnswerSentence[] = [];
  for (const rawLine of answer.split('\n')) {
    const line = rawLine
      .trim()
      .replace(/^#{1,6}\s.*$/, '')
      .replace(/^(?:[-*+>]\s+|\d+[.、]\s*)/, '')
      .replace(/^\*\*[^*\n]+\*\*\s*[:：]\s*/, '');
    if (!hasSubstance.test(line)) continue;
    let from = 0;
    const pieces: { text: string; markers: number[] }[] = [];
    for (const match of line.matchAll(markerGroup)) {
      pieces.push({ text: line.slice(from, match.index), markers: [...match[0].matchAll(/\[(\d+)\]/g)].map((found) => Number(found[1])) });
      from = match.index + match[0].length;
    }
    pieces.push({ text: line.slice(from), markers: [] });
    for (const piece of pieces) {
      // "**" is formatting; a backslash escapes a character the document itself holds ("\\*", "\\[").
      for (const sentence of splitSentences(piece.text.replace(/(?<!\\)\*\*/g, '').replace(/\\(.)/g, '$1'))) {
        const previous = sentences[sentences.length - 1];
        // A closing quote or bracket cut off after a terminator belongs to the sentence before it.
        if (!hasSubstance.test(sentence.text)) {
          if (previous && piece.markers.length > 0 && previous.markers.length === 0) previous.markers = piece.markers;
          continue;
        }
        sentences.push({ text: sentence.text, markers: piece.markers });
      }
    }
  }
  return sentences;
}

/** How faithfulness is checked: verbatim containment for extractive answers, word overlap otherwise. */
export type AnswerKind = 'extractive' | 'generated';

export interface SentenceSupport {
  text: string;
  supported: boolean;
  reason?: string;
}

/**
 * Faithfulness per sentence. Extractive: some cited quote is verbatim in its document at
 * [start, end) and contains the sentence. Generated: every number of the sentence occurs in the
 * cited clauses and at least half of its character bigrams do. Uncited sentences are unsupported.
 */
export function checkFaithfulness({
  answer,
  citations,
  documentText,
  kind,
}: {
  answer: string;
  citations: CitationSpan[];
  documentText: (id: string) => string | undefined;
  kind: AnswerKind;
}): SentenceSupport[] {
  const byNumber = new Map(citations.map((citation) => [citation.n, citation]));
  return answerSentences(answer).map(({ text, markers }) => {
    const cited = markers.map((n) => byNumber.get(n)).filter((citation): citation is CitationSpan => citation !== undefined);
    if (cited.length === 0) return { text, supported: false, reason: markers.length > 0 ? 'cites a missing marker' : 'no citation' };
    if (kind === 'extractive') {
      const verbatim = cited.filter((citation) => documentText(citation.documentId)?.slice(citation.start, citation.end) === citation.quote);
      if (verbatim.length === 0) return { text, supported: false, reason: 'cited quote is not at its offsets in the document' };
      const compact = text.replace(/\s+/g, '');
      const inside = verbatim.some((citation) => citation.quote.includes(text) || citation.quote.replace(/\s+/g, '').includes(compact));
      return inside ? { text, supported: true } : { text, supported: false, reason: 'sentence is not inside its cited quote' };
    }
    const source = foldWidth(cited.map((citation) => `${citation.quote}\n${citation.clause ?? ''}`).join('\n'));
    const missingNumber = (foldWidth(text).match(/\d+(?:\.\d+)?/g) ?? []).find((number) => !source.includes(number));
    if (missingNumber) return { text, supported: false, reason: `number ${missingNumber} is not in the cited clause` };
    const grams = bigrams(text);
    const sourceGrams = new Set(bigrams(source));
    const share = grams.length === 0 ? 1 : grams.filter((gram) => sourceGrams.has(gram)).length / grams.length;
    return share >= 0.5 ? { text, supported: true } : { text, supported: false, reason: `only ${Math.round(share * 100)}% of its wording is in the cited clause` };
  });
}

/** Characters of an answer as a reader sees them: `[n]` markers, Markdown marks and whitespace not counted. */
export function answerLength(answer: string): number {
  const text = answer
    .replace(/\[\d+\]/g, '')
    .replace(/^\s*(?:#{1,6}\s+|[-*+>]\s+|\d+[.)]\s+)/gm, '')
    .replace(/\\(.)/g, '$1')
    .replace(/[*_`]/g, '')
    .replace(/\s+/g, '');
  return [...text].length;
}

/** Shortest run of characters two texts must share for an uncited sentence to count as quoting a gold span. */
export const sharedRunChars = 8;

/** Length of the longest common substring of two strings (dynamic programming over code units). */
export function longestCommonRun(a: string, b: string): number {
  let best = 0;
  let previous = new Uint16Array(b.length + 1);
  let current = new Uint16Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      current[j] = a[i - 1] === b[j - 1] ? previous[j - 1] + 1 : 0;
      if (current[j] > best) best = current[j];
    }
    [previous, current] = [current, previous];
    current.fill(0);
  }
  return best;
}

/**
 * Whether an uncited sentence repeats gold evidence by its text: after normalising, one holds the
 * other, or they share a run of at least `sharedRunChars` characters.
 */
export function textOverlaps(sentence: string, quote: string): boolean {
  const a = normalizeForMatch(sentence);
  const b = normalizeForMatch(quote);
  if (a.length === 0 || b.length === 0) return false;
  if (a.includes(b) || b.includes(a)) return true;
  return longestCommonRun(a, b) >= sharedRunChars;
}

/**
 * Answer precision of one answer: how many of its sentences carry a key fact or overlap gold
 * evidence. A sentence that cites is placed by its citations' offsets (its own span inside the cited
 * quote when it is there, else the whole quote); a sentence that cites nothing is compared by text.
 */
export function answerPrecision({ answer, citations, facts, evidence }: { answer: string; citations: CitationSpan[]; facts: string[]; evidence: EvidenceSpan[] }): { precise: number; sentences: number } {
  const byNumber = new Map(citations.map((citation) => [citation.n, citation]));
  const normalizedFacts = facts.map(normalizeForMatch).filter(Boolean);
  const located = evidence.filter((span) => span.start >= 0);
  const sentences = answerSentences(answer);
  const precise = sentences.filter(({ text, markers }) => {
    const normalized = normalizeForMatch(text);
    if (normalizedFacts.some((fact) => normalized.includes(fact))) return true;
    const cited = markers.map((n) => byNumber.get(n)).filter((citation): citation is CitationSpan => citation !== undefined);
    if (cited.length === 0) return evidence.some((span) => textOverlaps(text, span.quote));
    return cited.some((citation) => {
      const inside = locateQuote(citation.quote, text);
      const own = inside ? { documentId: citation.documentId, start: citation.start + inside.start, end: citation.start + inside.end } : citation;
      return located.some((span) => spansOverlap(own, span));
    });
  }).length;
  return { precise, sentences: sentences.length };
}

/**
 * Share of the spans (gold evidence, or superseded quotes) that some citation overlaps, copies of one
 * quote counting once (`groups`); unlocated spans count as not cited.
 */
export function spansCited(citations: Span[], spans: Span[], groups: number[] = spans.map((_, i) => i)): number {
  if (spans.length === 0) return 0;
  const cited = new Set(spans.flatMap((span, i) => (span.start >= 0 && citations.some((citation) => spansOverlap(citation, span)) ? [groups[i]] : [])));
  return cited.size / new Set(groups).size;
}

/** Nearest-rank percentile (p in 0–100) of a list of numbers; undefined for an empty list. */
export function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export function mean(values: number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Everything scored for one question and one system. */
export interface ItemScores {
  type: string;
  answerable: boolean;
  /** Absent for unanswerable questions. */
  retrieval?: RetrievalScores;
  answered: boolean;
  allFacts?: boolean;
  factShare?: number;
  /** Characters of the answer (`answerLength`); absent when the system declined. */
  answerChars?: number;
  /** Sentences of the answer that carry a gold fact or overlap gold evidence (answered answerable questions). */
  preciseSentences?: number;
  scoredSentences?: number;
  citationsCorrect: number;
  citations: number;
  goldDocumentRecall?: number;
  /** Share of the evidence quotes a citation overlaps; only for questions with two or more quotes. */
  goldClauseRecall?: number;
  /** Share of the superseded quotes a citation overlaps; only for questions that have them. */
  supersededShown?: number;
  sentencesSupported: number;
  sentences: number;
  latencyMs: number;
  judge?: { correctness: number; groundedness: number };
  error?: string;
}

/** Aggregated metrics of one system over a set of questions; undefined when nothing could be measured. */
export interface MetricRow {
  questions: number;
  answerable: number;
  recall1?: number;
  recall5?: number;
  recall10?: number;
  mrr?: number;
  ndcg10?: number;
  spanInTop5?: number;
  documentsInTop5?: number;
  charsInTop5?: number;
  factAccuracy?: number;
  factShare?: number;
  answerPrecision?: number;
  citationPrecision?: number;
  goldDocumentRecall?: number;
  goldClauseRecall?: number;
  supersededShown?: number;
  faithfulness?: number;
  answerLengthP50?: number;
  answerLengthP95?: number;
  refusalPrecision?: number;
  refusalRecall?: number;
  falseRefusalRate?: number;
  latencyP50?: number;
  latencyP95?: number;
  judgeCorrectness?: number;
  judgeGroundedness?: number;
  errors: number;
}

/** Metrics that are a sum over questions divided by a sum over questions (means and pooled shares). */
export type RatioMetric = Exclude<keyof MetricRow, 'questions' | 'answerable' | 'errors' | 'latencyP50' | 'latencyP95' | 'answerLengthP50' | 'answerLengthP95'>;

/** A question's contribution to a ratio metric: [numerator, denominator], or undefined when it does not count. */
type Contribution = (score: ItemScores) => readonly [number, number] | undefined;

const overAnswerable = (value: (score: ItemScores) => number): Contribution => (score) => (score.answerable ? [value(score), 1] : undefined);
const retrievalMean = (key: keyof RetrievalScores): Contribution => (score) => (score.answerable && score.retrieval ? [score.retrieval[key], 1] : undefined);
const defined = (value: (score: ItemScores) => number | undefined): Contribution => (score) => {
  const found = value(score);
  return found === undefined ? undefined : [found, 1];
};

/**
 * How every ratio metric is computed. Retrieval, fact and gold-document metrics are means over
 * answerable questions; answer precision is a mean over answered answerable questions; gold-clause
 * recall over questions with two or more quotes; citation precision pools the citations of
 * answerable questions and faithfulness the sentences of every answer; refusal precision and recall
 * treat "declined" as the positive class, unanswerable questions as its truth.
 */
export const ratioMetrics: Record<RatioMetric, Contribution> = {
  recall1: retrievalMean('recall1'),
  recall5: retrievalMean('recall5'),
  recall10: retrievalMean('recall10'),
  mrr: retrievalMean('mrr'),
  ndcg10: retrievalMean('ndcg10'),
  spanInTop5: retrievalMean('spanInTop5'),
  documentsInTop5: retrievalMean('documentsInTop5'),
  charsInTop5: retrievalMean('charsInTop5'),
  factAccuracy: overAnswerable((score) => (score.allFacts ? 1 : 0)),
  factShare: overAnswerable((score) => score.factShare ?? 0),
  answerPrecision: (score) => (score.answerable && score.answered && score.scoredSentences ? [(score.preciseSentences ?? 0) / score.scoredSentences, 1] : undefined),
  citationPrecision: (score) => (score.answerable ? [score.citationsCorrect, score.citations] : undefined),
  goldDocumentRecall: overAnswerable((score) => score.goldDocumentRecall ?? 0),
  goldClauseRecall: defined((score) => score.goldClauseRecall),
  supersededShown: defined((score) => score.supersededShown),
  faithfulness: (score) => [score.sentencesSupported, score.sentences],
  refusalPrecision: (score) => (score.answered ? undefined : [score.answerable ? 0 : 1, 1]),
  refusalRecall: (score) => (score.answerable ? undefined : [score.answered ? 0 : 1, 1]),
  falseRefusalRate: overAnswerable((score) => (score.answered ? 0 : 1)),
  judgeCorrectness: defined((score) => score.judge?.correctness),
  judgeGroundedness: defined((score) => score.judge?.groundedness),
};

export const ratioMetricKeys = Object.keys(ratioMetrics) as RatioMetric[];

/** Numerators and denominators of every ratio metric, one entry per question (for the bootstrap). */
export function contributions(scores: ItemScores[]): Record<RatioMetric, { numerators: Float64Array; denominators: Float64Array }> {
  const result = {} as Record<RatioMetric, { numerators: Float64Array; denominators: Float64Array }>;
  for (const key of ratioMetricKeys) {
    const numerators = new Float64Array(scores.length);
    const denominators = new Float64Array(scores.length);
    scores.forEach((score, i) => {
      const found = ratioMetrics[key](score);
      if (!found) return;
      numerators[i] = found[0];
      denominators[i] = found[1];
    });
    result[key] = { numerators, denominators };
  }
  return result;
}

/** Every metric of one system over a set of questions (see `ratioMetrics` for how each is pooled). */
export function aggregate(scores: ItemScores[]): MetricRow {
  const row: MetricRow = {
    questions: scores.length,
    answerable: scores.filter((score) => score.answerable).length,
    errors: scores.filter((score) => score.error !== undefined).length,
  };
  for (const key of ratioMetricKeys) {
    let numerator = 0;
    let denominator = 0;
    for (const score of scores) {
      const found = ratioMetrics[key](score);
      if (!found) continue;
      numerator += found[0];
      denominator += found[1];
    }
    row[key] = denominator === 0 ? undefined : numerator / denominator;
  }
  const lengths = scores.flatMap((score) => (score.answerChars === undefined ? [] : [score.answerChars]));
  row.answerLengthP50 = percentile(lengths, 50);
  row.answerLengthP95 = percentile(lengths, 95);
  row.latencyP50 = percentile(scores.map((score) => score.latencyMs), 50);
  row.latencyP95 = percentile(scores.map((score) => score.latencyMs), 95);
  return row;
}
