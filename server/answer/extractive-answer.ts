// Extractive answers: verbatim sentences from the retrieved clauses, each followed by its [n] marker.
import type { PolicyIndex } from '../rag/policy-index.js';
import { foldWidth } from '../rag/tokenize.js';
import type { AnalysedQuestion } from './question-analysis.js';
import { listSectionItems } from './section-list.js';
import { carriesAskedKind, holdsNumber, isHeadingOnly, preamble, regionFits, unknownTopicWords, type ScoredSentence } from './score-sentences.js';

/** A citation: the exact quoted span of a clause, with offsets into its document's text. */
export interface Citation {
  n: number;
  chunkId: string;
  documentId: string;
  title: string;
  section: string[];
  quote: string;
  start: number;
  end: number;
}

export interface DraftAnswer {
  answered: boolean;
  answer: string;
  citations: Citation[];
}

/**
 * Thresholds, calibrated on evals/datasets/policy-qa.jsonl (answerable and out-of-corpus questions):
 * below `minCoverage` of the question's weighted terms, the corpus is taken not to answer.
 */
export const extractiveSettings = {
  minCoverage: 0.2,
  minScore: 0.2,
  /** With a topic word the corpus never uses (限购, 个人所得税), more of the question must be covered. */
  unknownTopicCoverage: 0.19,
  /** …and with only one question word matched. */
  unknownTopicSingleWordCoverage: 0.35,
  /** A further sentence joins the answer when it scores at least this share of the best one. */
  companionRatio: 0.85,
  listCompanionRatio: 0.75,
  /** A sentence holding the kind of figure asked for joins an answer lacking one at this share of the best score. */
  askedKindRatio: 0.5,
  /** …and so does the sentence covering this much more of the question than the best one. */
  coveringMargin: 0.15,
  maxSentences: 3,
  maxListSentences: 4,
  /** Per document in cross-document answers and summaries. */
  documentMinCoverage: 0.3,
  /** A document's further sentences score at least this share of its best one (comparisons, summaries). */
  documentCompanionRatio: 0.6,
  crossSentencesPerDocument: 4,
  summarySentencesPerDocument: 5,
  summaryMaxSentences: 20,
  maxAnswerChars: 900,
};

const refusalText = '现有文件中没有找到能回答这个问题的条款。';

/** The plain refusal, naming the closest documents when there are any. */
export function refusal(closest: string[] = []): DraftAnswer {
  const hint = closest.length > 0 ? `相关度最高的文件是${closest.slice(0, 2).join('、')}，但其中没有直接回答这个问题的内容。` : '';
  return { answered: false, answer: `${refusalText}${hint}`, citations: [] };
}

/** A single answer: the best sentence plus close companions, or one or two per document for comparisons. */
export function composeAnswer({
  question,
  scored,
  partScores = [],
  index,
}: {
  question: AnalysedQuestion;
  scored: ScoredSentence[];
  /** Sentences scored for each further question the message asks ("…多少？怎么发？"). */
  partScores?: ScoredSentence[][];
  index: PolicyIndex;
}): DraftAnswer {
  // A question asking for a figure is answered by a sentence holding one, or not at all.
  // The latest question's own words must be met: context carried over from earlier turns is not enough.
  const candidates = scored.filter((sentence) => sentence.matchesFocus && (!question.asksNumber || holdsNumber(sentence.text)));
  // A bare clause heading that outscores its own body ("(二)深化与四川合作。") gives way to the body.
  const body = candidates[0] && isHeadingOnly(candidates[0].text) ? candidates.find((sentence) => !isHeadingOnly(sentence.text) && sentence.result.chunkId === candidates[0].result.chunkId) : undefined;
  const best = body ?? candidates[0];
  // A topic word the corpus never uses (火星, 限购) needs strong evidence elsewhere: more coverage, and
  // a match on more than one word unless coverage is high, or the match is a coincidence
  // ("今天天气" → "重污染天气", "成都市的限购" → "成都都市圈").
  // Whether the corpus answers is judged on the sentence covering most of the question (the best
  // by score may rank first for holding the kind of figure asked for).
  const covering = candidates.slice(0, 8).reduce<ScoredSentence | undefined>((top, sentence) => (!top || sentence.coverage > top.coverage ? sentence : top), undefined);
  const coverage = covering?.coverage ?? 0;
  const matched = covering?.matchedTerms ?? 0;
  const unknownTopic =
    unknownTopicWords(question, index).length > 0 &&
    (coverage < extractiveSettings.unknownTopicCoverage || matched === 0 || (matched === 1 && coverage < extractiveSettings.unknownTopicSingleWordCoverage));
  if (
    !best ||
    unknownTopic ||
    coverage < extractiveSettings.minCoverage ||
    best.score < extractiveSettings.minScore ||
    missesExactTerm(question, best, index) ||
    missesAskedUnit(question, candidates)
  ) {
    return refusal(closestTitles(scored, index));
  }
  const listed = listSectionItems({ question, scored, index });
  if (listed) return render([{ documentId: listed[0].result.documentId, sentences: listed }], 'list');
  const bestDocument = index.document(best.result.documentId);
  // "贵州实施意见在深化与四川合作中…": one document's clause that names both places answers alone.
  const oneDocumentCoversAll = question.crossByRegionsOnly && question.regions.every((region) => regionFits({ ...question, regions: [region] }, bestDocument, best.result.text));
  if (question.crossDocument && !oneDocumentCoversAll) {
    const groups = pickPerDocument(candidates, extractiveSettings.crossSentencesPerDocument, Math.max(extractiveSettings.minCoverage, 0.5 * best.coverage));
    if (groups.length >= 2) return render(groups, 'inline');
  }
  const wide = question.asksList || question.crossDocument;
  const ratio = wide ? extractiveSettings.listCompanionRatio : extractiveSettings.companionRatio;
  const limit = wide ? extractiveSettings.maxListSentences : extractiveSettings.maxSentences;
  const picked: ScoredSentence[] = [best];
  let chars = best.text.length;
  for (const sentence of candidates.slice(1)) {
    if (picked.length >= limit) break;
    if (sentence.score < ratio * best.score) break;
    if (chars + sentence.text.length > extractiveSettings.maxAnswerChars) continue;
    // A bare clause heading ("(二)深化与四川合作。") adds a citation, not an answer.
    if (isHeadingOnly(sentence.text) || alreadyPicked(picked, sentence)) continue;
    picked.push(sentence);
    chars += sentence.text.length;
  }
  // Then what the question asked that the best sentences may not carry.
  const asked: AskedContext = { question, best, covering, candidates, scored, limit };
  withCoveringSentence(picked, asked);
  withPartAnswers(picked, asked, partScores);
  withAskedKind(picked, asked);
  withEachPlace(picked, asked);
  return render([{ documentId: best.result.documentId, sentences: orderSentences(withConditions(picked)) }], 'plain');
}

/** What the steps completing a single answer read. */
interface AskedContext {
  question: AnalysedQuestion;
  best: ScoredSentence;
  /** The leading sentence covering most of the question. */
  covering?: ScoredSentence;
  /** Sentences that may answer (they meet the latest question, and hold a figure if one is asked). */
  candidates: ScoredSentence[];
  scored: ScoredSentence[];
  limit: number;
}

const alreadyPicked = (picked: ScoredSentence[], sentence: ScoredSentence) => picked.some((other) => overlaps(other, sentence) || nearDuplicate(other.text, sentence.text));

/** The sentence that covers clearly more of the question than the best-scoring one joins it. */
function withCoveringSentence(picked: ScoredSentence[], { question, best, covering }: AskedContext): void {
  if (
    covering &&
    !picked.includes(covering) &&
    covering.coverage >= best.coverage + extractiveSettings.coveringMargin &&
    covering.score >= extractiveSettings.askedKindRatio * best.score &&
    (!question.asksNumber || holdsNumber(covering.text)) &&
    !alreadyPicked(picked, covering)
  ) {
    picked.push(covering);
  }
}

/** Each question of a message that asks several ("…多少？怎么发？") gets its own best sentence from the answering document. */
function withPartAnswers(picked: ScoredSentence[], { best }: AskedContext, partScores: ScoredSentence[][]): void {
  for (const part of partScores) {
    const top = part.find((sentence) => sentence.matchesFocus && sentence.result.documentId === best.result.documentId && sentence.coverage >= extractiveSettings.minCoverage);
    if (top && !alreadyPicked(picked, top)) picked.push(top);
  }
}

/**
 * "每人补多少钱？" answered by the clause's conditions still lacks the amount: the sentence that carries
 * the kind of figure asked for joins the answer. In the best sentence's own clause any score will do
 * ("…给予每人2000元补贴。申请时间为每年10月1日至11月30日…"); elsewhere in the document it must score
 * near the best. Never a heading or a preamble ("现就做好2023年…通知如下").
 */
function withAskedKind(picked: ScoredSentence[], { question, best, candidates, scored }: AskedContext): void {
  if (!picked.every((sentence) => carriesAskedKind(question, sentence.text) === false)) return;
  const fits = (sentence: ScoredSentence) =>
    carriesAskedKind(question, sentence.text) && !isHeadingOnly(sentence.text) && !preamble.test(sentence.text) && !alreadyPicked(picked, sentence);
  const carrier =
    scored.find((sentence) => sentence.result.chunkId === best.result.chunkId && fits(sentence)) ??
    candidates.find((sentence) => sentence.result.documentId === best.result.documentId && sentence.score >= extractiveSettings.askedKindRatio * best.score && fits(sentence));
  if (carrier) picked.push(carrier);
}

/**
 * "在四川天府新区和重庆分别…": every place the question names gets its own best sentence; not a bare
 * heading ("(二)深化与四川合作。"), which names the place and says nothing.
 */
function withEachPlace(picked: ScoredSentence[], { question, best, candidates, limit }: AskedContext): void {
  if (question.regions.length < 2) return;
  for (const region of question.regions) {
    if (picked.some((sentence) => sentence.text.includes(region))) continue;
    const extra = candidates.find(
      (sentence) => sentence.text.includes(region) && !isHeadingOnly(sentence.text) && sentence.coverage >= 0.5 * best.coverage && !picked.some((other) => overlaps(other, sentence)),
    );
    if (extra && picked.length < limit + 1) picked.push(extra);
  }
}

/** An item number: "（一）", "(2)", "3.", "4、". */
const itemNumber = '[（(]?[一二三四五六七八九十\\d]+[)）、.．]';
const headingStart = new RegExp(`^\\s*(?:${itemNumber}|第[一二三四五六七八九十百]+[章条])`);
const listItemStart = new RegExp(`^\\s*(?:${itemNumber}|[①-⑳]|——|第[一二三四五六七八九十百]+条)`);

/**
 * A sentence cut at "；" often has its condition or exception after it: "…每户奖补1200元；对原有旱厕
 * 进行无害化改造的，每户奖补800元。" Each picked piece ending in "；" takes the next piece of its clause
 * along (not when that piece starts a new list item), so the answer does not drop half a rule. So does
 * a short topic sentence ("城西北生态示范区生态功能更加突出。"), whose substance is the next sentence.
 */
function withConditions(picked: ScoredSentence[]): ScoredSentence[] {
  const taken = [...picked];
  for (const sentence of picked) {
    const topicSentence = sentence.text.length <= 20 && !headingStart.test(sentence.text);
    if (!/[；;]$/.test(sentence.text) && !topicSentence) continue;
    const { result } = sentence;
    const rest = result.text.slice(sentence.end - result.start);
    const next = /^[ \t]*([^。！？；;!?\n]{1,120}[。！？；;!?])/.exec(rest);
    if (!next || listItemStart.test(next[1])) continue;
    const start = sentence.end + next[0].length - next[1].length;
    const end = sentence.end + next[0].length;
    if (taken.some((other) => other.result.documentId === result.documentId && other.start < end && start < other.end)) continue;
    taken.push({ ...sentence, text: next[1], start, end });
  }
  return taken;
}

/** A cited summary grouped by document; documents without a relevant sentence are left out. */
export function composeSummary({ scored, index }: { scored: ScoredSentence[]; index: PolicyIndex }): DraftAnswer {
  const top = scored.reduce((max, sentence) => Math.max(max, sentence.coverage), 0);
  const groups = pickPerDocument(scored, extractiveSettings.summarySentencesPerDocument, Math.max(extractiveSettings.documentMinCoverage, 0.45 * top));
  if (groups.length === 0) return refusal(closestTitles(scored, index));
  let budget = extractiveSettings.summaryMaxSentences;
  const bounded = groups
    .map((group) => {
      const sentences = group.sentences.slice(0, Math.max(1, Math.min(group.sentences.length, budget)));
      budget -= sentences.length;
      return { ...group, sentences };
    })
    .filter((group) => group.sentences.length > 0);
  return render(bounded, 'sections');
}

interface Group {
  documentId: string;
  sentences: ScoredSentence[];
}

/** Best sentences per document, documents ordered by their best sentence. */
function pickPerDocument(scored: ScoredSentence[], perDocument: number, minCoverage: number): Group[] {
  const groups = new Map<string, ScoredSentence[]>();
  const documentBest = new Map<string, number>();
  for (const sentence of scored) {
    const id = sentence.result.documentId;
    if (!documentBest.has(id)) {
      if (sentence.coverage < minCoverage || sentence.score < extractiveSettings.minScore) continue;
      documentBest.set(id, sentence.score);
      groups.set(id, [sentence]);
      continue;
    }
    const group = groups.get(id)!;
    if (group.length >= perDocument) continue;
    if (sentence.score < extractiveSettings.documentCompanionRatio * documentBest.get(id)! || sentence.coverage < minCoverage * 0.8) continue;
    if (group.some((other) => overlaps(other, sentence) || nearDuplicate(other.text, sentence.text))) continue;
    group.push(sentence);
  }
  return [...groups].map(([documentId, sentences]) => ({ documentId, sentences: orderSentences(sentences) }));
}

/** Sentences of one clause in reading order; clauses in retrieval order. */
function orderSentences(sentences: ScoredSentence[]): ScoredSentence[] {
  return [...sentences].sort((a, b) => a.rank - b.rank || a.start - b.start);
}

/**
 * Numbers citations in order of appearance; sentences adjacent in one clause share a citation whose
 * quote is the exact span they cover together.
 */
function render(groups: Group[], layout: 'plain' | 'list' | 'inline' | 'sections'): DraftAnswer {
  const citations: Citation[] = [];
  const lines: string[] = [];
  for (const group of groups) {
    const parts: string[] = [];
    let current: Citation | undefined;
    let currentEnd = -1;
    for (const sentence of group.sentences) {
      const { result } = sentence;
      const contiguous = current && current.chunkId === result.chunkId && /^\s*$/.test(result.text.slice(currentEnd - result.start, sentence.start - result.start));
      if (contiguous && current) {
        current.end = sentence.end;
        current.quote = result.text.slice(current.start - result.start, sentence.end - result.start);
      } else {
        current = {
          n: citations.length + 1,
          chunkId: result.chunkId,
          documentId: result.documentId,
          title: result.title,
          section: sentence.section,
          quote: sentence.text,
          start: sentence.start,
          end: sentence.end,
        };
        citations.push(current);
      }
      currentEnd = sentence.end;
      parts.push(`${sentence.text}[${current.n}]`);
    }
    const title = group.sentences[0]?.result.title ?? '';
    if (layout === 'plain') lines.push(parts.join(''));
    else if (layout === 'list') lines.push(parts.map((part) => `- ${part}`).join('\n'));
    else if (layout === 'inline') lines.push(`**${title}**：${parts.join('')}`);
    else lines.push(`### ${title}\n\n${parts.map((part) => `- ${part}`).join('\n')}`);
  }
  return { answered: true, answer: lines.join('\n\n'), citations };
}

/**
 * Years and latin terms (GDP, 5G) in a question must occur in the answering document:
 * a question about 2030 is not answered by a clause about 2025.
 */
function missesExactTerm(question: AnalysedQuestion, best: ScoredSentence, index: PolicyIndex): boolean {
  // Years only: the asker's own figures ("85岁", "贷8万块") describe their case, not a figure to find.
  const exact = question.focusTokens.filter((token) => /^(19|20)\d{2}$/.test(token) || /^[a-z]{2,}$/.test(token));
  if (exact.length === 0) return false;
  const text = foldWidth(index.document(best.result.documentId)?.text ?? best.result.text);
  return exact.some((token) => !text.includes(token));
}

/** A unit the question names with its figure: "多少亿元", "多少公里", "多少人次". */
const askedUnit = /多少(亿元|万元|元|万亩|亩|公里|千米|平方米|平方公里|吨|人次|万人|个百分点)/;

/**
 * "到2025年地区生产总值要达到多少亿元？" is not answered by a clause whose figures are all percentages:
 * when the question names the unit of the figure it wants and no leading sentence gives one, the
 * documents do not hold that figure.
 */
function missesAskedUnit(question: AnalysedQuestion, candidates: ScoredSentence[]): boolean {
  const unit = askedUnit.exec(question.question)?.[1];
  if (!unit) return false;
  const pattern = new RegExp(`\\d[十百千万亿]*\\s*${unit.replace('亿元', '亿').replace('万元', '万')}`);
  return !candidates.slice(0, 8).some((sentence) => pattern.test(sentence.text));
}

function overlaps(a: ScoredSentence, b: ScoredSentence): boolean {
  return a.result.documentId === b.result.documentId && a.start < b.end && b.start < a.end;
}

function nearDuplicate(a: string, b: string): boolean {
  const grams = (text: string) => new Set(Array.from({ length: Math.max(0, text.length - 1) }, (_, i) => text.slice(i, i + 2)));
  const x = grams(a);
  const y = grams(b);
  let shared = 0;
  for (const gram of x) if (y.has(gram)) shared++;
  return shared / Math.max(1, Math.min(x.size, y.size)) > 0.8;
}

function closestTitles(scored: ScoredSentence[], index: PolicyIndex): string[] {
  const titles: string[] = [];
  for (const sentence of scored) {
    const title = index.document(sentence.result.documentId)?.title;
    if (title && !titles.includes(title) && sentence.coverage >= 0.3) titles.push(title);
    if (titles.length >= 2) break;
  }
  return titles;
}
