// Sentence scoring: how much of what the question asks a sentence of a retrieved clause carries.
import { splitSentences } from '../ingest/split-sentences.js';
import type { PolicyIndex } from '../rag/policy-index.js';
import { bigrams, foldWidth, isDictionaryWord, isNounLike, synonymsOf, tokenize } from '../rag/tokenize.js';
import type { PolicyDocument, SearchResult } from '../rag/types.js';
import { isRegionWord, type AnalysedQuestion } from './question-analysis.js';

export interface ScoredSentence {
  text: string;
  start: number;
  end: number;
  result: SearchResult;
  /** Heading path of the innermost section holding the sentence. */
  section: string[];
  rank: number;
  /** Share of the question's weighted terms the sentence contains (0–1). */
  coverage: number;
  /** How many distinct question words (not place names, not title words) the sentence itself contains. */
  matchedTerms: number;
  /** Whether it contains (or its document's title names) a term of the latest question itself. */
  matchesFocus: boolean;
  score: number;
}

const headingLine = /^([（(][一二三四五六七八九十百\d-]+[)）]|[一二三四五六七八九十]+、|第[一二三四五六七八九十百]+[章条])/;
/** A quantity, not just a date: "1500元", "65%", "3:7", "7天", "3年" (not "2025年"), "千亿立方米", "十项". */
const hasNumber =
  /\d+(?:\.\d+)?\s*(?:%|‰|万|亿|千|百|元|人|个|项|家|户|亩|公里|千米|米|平方|岁|周岁|天|日内|日起|小时|分钟|倍|次|年以上|年以内|年内|年的|个月|吨|千瓦|兆瓦|床|张|辆|所|份|分|名|位|条|批|层|座|级|公顷|立方|套|班|期|元\/)|(?<![\d.])\d{1,2}\s*年(?![\d月])|\d+[:：]\d+|\d+\s*[—–~～-]\s*\d+|[一二三四五六七八九十百千万亿两]+(?:个|项|条|家|座|所|批|万|亿|成|倍)/;
const hasTime = /\d{4}年|\d{1,2}月|年底|年末|年内|以前|之前|期间|\d+年/;
/** Figures of each kind: an amount of money, a length of time (not a date: "30日内", not "12月31日"), a share. */
const quantityUnits = {
  money: /\d\s*(?:万|亿|千)?元|\d\s*‰|[一二三四五六七八九十百千万两]+(?:万|亿)?元/,
  duration: /(?<![\d月.])\d{1,3}\s*(?:个)?(?:工作日|自然日|天|日|小时|个月|周|年)|[一二三四五六七八九十两半]+(?:个)?(?:工作日|天|小时|个月|周|年)(?!级)/,
  share: /\d\s*(?:%|‰)|[一二三四五六七八九十]成|百分之/,
  age: /\d+\s*周?岁/,
  reduction: /\d\s*(?:万|亿|千)?元|\d\s*(?:%|‰)|\d(?:\.\d)?\s*折|[一二三四五六七八九]折|减半|全免|免收|免除|免费/,
};
const hasAgency = /部门|委员会|[委局厅办]|政府|党委|领导小组|联席会议|责任单位|牵头/;

/** Weighted question terms: focus terms at 1, follow-up context terms at 0.4, by idf. */
export function questionWeights(question: AnalysedQuestion, index: PolicyIndex): Map<string, number> {
  const weights = new Map<string, number>();
  const maxIdf = index.bm25.idf('\u0000never-seen\u0000');
  for (const token of question.focusTokens) {
    weights.set(token, knownHeadVariant(token, question.focusTokens, index) ? 0.15 * maxIdf : idfOf(token, index, maxIdf));
  }
  for (const token of question.contextTokens) if (!weights.has(token)) weights.set(token, 0.4 * idfOf(token, index, maxIdf));
  return weights;
}

/** Everyday words a question used that the corpus never does, and that no known synonym stands for. */
export function unknownTopicWords(question: AnalysedQuestion, index: PolicyIndex): string[] {
  return question.focusTokens.filter(
    (token) =>
      index.bm25.documentFrequency(token) === 0 &&
      !knownHeadVariant(token, question.focusTokens, index) &&
      isDictionaryWord(token) &&
      isNounLike(token) &&
      !synonymsOf(token).some((synonym) => index.bm25.documentFrequency(synonym) > 0),
  );
}

/**
 * A word the corpus never uses, and jieba's dictionary does not hold, that is a known word with a
 * modifier in front ("新手机" for 手机: in Chinese compounds the head comes last), or the front piece
 * jieba cut from such a word ("新手"): the known head carries the topic, so the word is not a topic
 * the corpus lacks. "所得税" (head 税 unknown) stays one.
 */
function knownHeadVariant(token: string, focusTokens: string[], index: PolicyIndex): boolean {
  if (index.bm25.documentFrequency(token) > 0) return false;
  // Only for words jieba does not itself know as one word: "宅基地" is a word, not 宅 + 基地.
  const knownHead = (word: string) =>
    !isDictionaryWord(word) &&
    focusTokens.some((head) => head.length >= 2 && head.length < word.length && word.endsWith(head) && index.bm25.documentFrequency(head) > 0);
  if (knownHead(token)) return true;
  return focusTokens.some((word) => word.length > token.length && word.startsWith(token) && index.bm25.documentFrequency(word) === 0 && knownHead(word));
}

/** Unknown terms weigh as much as the rarest: a question about something absent cannot be covered. */
function idfOf(token: string, index: PolicyIndex, maxIdf: number): number {
  // A lone character is matched inside words ("证" in 身份证), so its weight comes from how many
  // clauses contain it anywhere, not from how rarely jieba leaves it standing alone (one no clause
  // contains but a synonym stands for, "卖" for 出售, weighs as the synonym).
  if (token.length === 1 && !/\d/.test(token)) {
    const idf = index.characterIdf(token);
    if (idf < maxIdf || synonymsOf(token).length === 0) return idf;
  }
  if (index.bm25.documentFrequency(token) === 0) {
    const known = synonymsOf(token).filter((synonym) => index.bm25.documentFrequency(synonym) > 0);
    if (known.length > 0) return Math.max(...known.map((synonym) => index.bm25.idf(synonym)));
    // A real word (or figure) the corpus never uses is a topic it does not cover; a fragment jieba's
    // HMM guessed from an unusual phrasing ("圈时") says little.
    return /\d|^[a-z]/.test(token) || isDictionaryWord(token) ? maxIdf : maxIdf * 0.15;
  }
  return index.bm25.idf(token);
}

/**
 * Splits the retrieved clauses into sentences and scores each: weighted term coverage, character
 * bigram overlap, whether it holds what the question asks for (number, date, list, agency), and the
 * retrieval rank of its clause. Heading-only sentences score lower: the body says the substance.
 */
export function scoreSentences({
  question,
  results,
  index,
}: {
  question: AnalysedQuestion;
  results: SearchResult[];
  index: PolicyIndex;
}): ScoredSentence[] {
  const weights = questionWeights(question, index);
  const focus = new Set(question.focusTokens);
  const questionGrams = new Set(bigrams(question.question));
  const contextGrams = new Set(bigrams(question.retrievalQuery));
  const scored: ScoredSentence[] = [];
  // A place name, or a piece of one ("都市" of 成都市), says where, not what: it does not make a
  // coincidental match look like a topic match.
  const questionWords = [...weights.keys()].sort((a, b) => b.length - a.length);
  const placeTokens = new Set([...weights.keys()].filter((token) => isRegionWord(questionWords.find((word) => word.includes(token)) ?? token)));
  const compounds = compoundParts([...weights.keys()]);
  results.forEach((result, rank) => {
    const document = index.document(result.documentId);
    // Terms naming the document ("川渝", "一干多支", a title echoed in an intro) say where, not what:
    // they are neutral. Terms only the clause heading supplies count for most of their weight.
    const about = foldWidth(`${document?.title ?? ''} ${document?.region ?? ''}`);
    const heading = foldWidth(result.section.join(' '));
    for (const { sentence, folded, tokens, gramSet } of analyseClause(result)) {
      const found: { weight: number; at: number }[] = [];
      const grouped: string[] = [];
      let focusMatched = false;
      let total = 0;
      for (const [token, weight] of weights) {
        if (about.includes(token)) {
          if (focus.has(token)) focusMatched = true;
          // Half weight, always met: enough that a question made mostly of the title still scores.
          total += titleTermShare * weight;
          found.push({ weight: titleTermShare * weight, at: -1 });
          continue;
        }
        total += weight;
        const at = positionOf(folded, token, tokens);
        const parts = compounds.get(token);
        const split = at < 0 && parts ? splitCompoundAt(folded, parts) : -1;
        if (split >= 0) {
          found.push({ weight: compoundSplitShare * weight, at: split });
          continue;
        }
        if (at >= 0) {
          found.push({ weight, at });
          if (focus.has(token)) focusMatched = true;
          if (!placeTokens.has(token) && !grouped.some((other) => other.includes(token) || token.includes(other))) grouped.push(token);
        }
        else if (heading.includes(token)) found.push({ weight: 0.7 * weight, at: -1 });
        else if (token.length >= 2) found.push({ weight: 0.6 * weight * partialMatch(token, gramSet), at: -1 });
      }
      const covered = windowCoverage(found, coverageWindow);
      const coverage = total > 0 ? covered / total : 0;
      if (!/[。！？；!?;]$/.test(sentence.text) && sentence.text.length < 40) continue;
      const gramOverlap = questionGrams.size > 0 ? [...questionGrams].filter((gram) => gramSet.has(gram)).length / questionGrams.size : 0;
      const contextOverlap = contextGrams.size > 0 ? [...contextGrams].filter((gram) => gramSet.has(gram)).length / contextGrams.size : 0;

      let score = 0.55 * coverage + 0.2 * gramOverlap + 0.1 * contextOverlap + 0.12 / (1 + rank);
      if (question.asksNumber) score += hasNumber.test(sentence.text) ? 0.12 : -0.12;
      if (question.asksTime) score += hasTime.test(sentence.text) ? 0.1 : -0.05;
      if (question.quantity) score += quantityUnits[question.quantity].test(sentence.text) ? 0.1 : -0.06;
      if (question.asksWho && hasAgency.test(sentence.text)) score += 0.06;
      if (question.asksList && (sentence.text.match(/[、，,]/g)?.length ?? 0) >= 3) score += 0.05;
      if (isHeadingOnly(sentence.text)) score *= 0.6;
      if (preamble.test(sentence.text)) score *= 0.5;
      if (sentence.text.length > 140) score -= Math.min(0.12, (sentence.text.length - 140) / 1200);
      if (!regionFits(question, document, result.text)) continue;
      const section = index.sectionAt(result.documentId, sentence.start);
      scored.push({ ...sentence, result, section: section.length > 0 ? section : result.section, rank, coverage, matchedTerms: grouped.length, matchesFocus: focusMatched || focus.size === 0, score });
    }
  });
  return scored.sort((a, b) => b.score - a.score || a.rank - b.rank || a.start - b.start);
}

interface AnalysedSentence {
  sentence: { text: string; start: number; end: number };
  folded: string;
  tokens: Set<string>;
  gramSet: Set<string>;
}

/** Sentences of a clause with their tokens; cached per chunk, since the index never changes under a service. */
const clauseCache = new Map<string, AnalysedSentence[]>();
const clauseCacheLimit = 20_000;

function analyseClause(result: SearchResult): AnalysedSentence[] {
  const key = `${result.chunkId}@${result.start}:${result.end}`;
  let analysed = clauseCache.get(key);
  if (!analysed) {
    analysed = splitSentences(result.text, result.start)
      .filter((sentence) => sentence.text.length >= 6)
      .map((sentence) => ({ sentence, folded: foldWidth(sentence.text), tokens: new Set(tokenize(sentence.text)), gramSet: new Set(bigrams(sentence.text)) }));
    if (clauseCache.size >= clauseCacheLimit) clauseCache.clear();
    clauseCache.set(key, analysed);
  }
  return analysed;
}

/** Matched terms count when they sit within one window of the sentence, so a long list that
 * mentions everything somewhere does not beat the sentence that says the thing. */
const coverageWindow = 90;

/** How much a question term the document's title supplies counts (as covered) in sentence coverage. */
const titleTermShare = 0.35;

function windowCoverage(found: { weight: number; at: number }[], window: number): number {
  const floating = found.filter((term) => term.at < 0).reduce((sum, term) => sum + term.weight, 0);
  const placed = found.filter((term) => term.at >= 0).sort((a, b) => a.at - b.at);
  let best = 0;
  let sum = 0;
  let left = 0;
  for (let right = 0; right < placed.length; right++) {
    sum += placed[right].weight;
    while (placed[right].at - placed[left].at > window) sum -= placed[left++].weight;
    best = Math.max(best, sum);
  }
  return best + floating;
}

/** How much a compound counts when the sentence says it with words in between ("家庭人均月收入" for 家庭收入). */
const compoundSplitShare = 0.8;

/** Compound question words ("家庭收入") whose head is itself a question word ("家庭"): head and tail. */
function compoundParts(words: string[]): Map<string, [string, string]> {
  const parts = new Map<string, [string, string]>();
  for (const token of words) {
    if (token.length < 4) continue;
    const head = words.filter((part) => part.length >= 2 && part.length < token.length - 1 && token.startsWith(part)).sort((a, b) => b.length - a.length)[0];
    if (head) parts.set(token, [head, token.slice(head.length)]);
  }
  return parts;
}

/** Where a compound occurs split by a few characters, its parts in order ("家庭人均月收入"); -1 when not. */
function splitCompoundAt(folded: string, [head, tail]: [string, string]): number {
  for (let at = folded.indexOf(head); at >= 0; at = folded.indexOf(head, at + 1)) {
    const next = folded.indexOf(tail, at + head.length);
    if (next >= 0 && next - (at + head.length) <= 4) return at;
  }
  return -1;
}

/** One-character names of provinces that policy texts use in compounds: 黔电送粤, 川渝, 滇中. */
const provinceAbbreviations: Record<string, string> = {
  广东: '粤', 贵州: '黔', 云南: '滇', 重庆: '渝', 四川: '川', 湖南: '湘', 湖北: '鄂', 江西: '赣', 福建: '闽', 浙江: '浙', 安徽: '皖', 河南: '豫', 河北: '冀', 陕西: '陕', 上海: '沪', 海南: '琼', 广西: '桂',
};

/** Where a term (or one of its formal synonyms, or a province's one-character name) occurs in a sentence, or -1. */
function positionOf(folded: string, token: string, tokens: Set<string>): number {
  const direct = folded.indexOf(token);
  if (direct >= 0) return direct;
  const abbreviated = provinceAbbreviations[token] ? folded.indexOf(provinceAbbreviations[token]) : -1;
  if (abbreviated >= 0) return abbreviated;
  for (const synonym of synonymsOf(token)) {
    const at = folded.indexOf(synonym);
    if (at >= 0) return at;
  }
  return tokens.has(token) ? 0 : -1;
}

/** Share of a word's character bigrams found in a sentence: credit for words phrased differently. */
function partialMatch(token: string, gramSet: Set<string>): number {
  const grams = bigrams(token);
  if (grams.length === 0) return 0;
  return grams.filter((gram) => gramSet.has(gram)).length / grams.length;
}

/** A date or deadline: "2023年12月31日", "5月底", "每季度第一个月25日前", "截至…". */
const hasDate = /\d{4}年|\d{1,2}月\d{1,2}日|\d{1,2}月(?:底|末|份|前)|(?<![\d个])\d{1,2}日前|(?:每月|每季度|每年)[^，。；]{0,8}\d{1,2}日|截至|截止|年底|年末/;

/**
 * Whether a sentence carries the kind of answer the question asks for: the amount of money, the length
 * of time, the share, the date; undefined when the question names no such kind.
 */
export function carriesAskedKind(question: AnalysedQuestion, text: string): boolean | undefined {
  if (question.quantity) return quantityUnits[question.quantity].test(text);
  if (question.asksTime) return hasDate.test(text);
  return undefined;
}

/** A sentence holds a figure (digits, or counted Chinese numerals such as 千亿, 十项). */
export function holdsNumber(text: string): boolean {
  return hasNumber.test(text);
}

/** A sentence that is only a clause heading, e.g. "(十)完善区际利益补偿机制。". */
export function isHeadingOnly(text: string): boolean {
  return headingLine.test(text) && text.length <= 34 && !/[，,；;：:]/.test(text) && !hasNumber.test(text);
}

/** A document's preamble or purpose clause ("为…，现就…通知如下：", "…，制定本办法。"): it frames, it does not answer. */
export const preamble = /(通知|公告|通告|通报|说明|事项)如下[:：。]?$|制定本(办法|细则|规定|方案|意见|措施)[。]?$|特制定|现将.*(通知|公告)|现就.*(通知|公告|如下)|^为(?:深入|认真|全面)?(?:贯彻|落实)[^。]*(?:决定|现就|特制定|制定本|经.{0,12}同意)/;

/** Short names that stand for the places a document names in full. */
const regionAliases: Record<string, string[]> = {
  川渝: ['川渝', '重庆', '四川'],
  成渝: ['成渝', '成都', '重庆'],
  滇中: ['滇中', '云南'],
  黔中: ['黔中', '贵州'],
  川南: ['川南', '四川'],
  渝西: ['渝西', '重庆'],
};

/**
 * A question naming a region is answered from documents about it: the document's region or title
 * names it, or the clause itself does.
 */
export function regionFits(question: AnalysedQuestion, document: PolicyDocument | undefined, clause: string): boolean {
  if (question.regions.length === 0 || !document) return true;
  const about = `${document.region ?? ''}${document.title}`;
  return question.regions.some((region) => (regionAliases[region] ?? [region]).some((name) => about.includes(name) || clause.includes(name)));
}
